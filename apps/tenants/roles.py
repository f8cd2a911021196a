"""Roles a membership can carry, and the scope each belongs to."""

from django.db import models


class Role(models.TextChoices):
    # company scope
    ORG_ADMIN = "org_admin", "Organization administrator"
    PATIENT = "patient", "Patient (portal)"
    # program scope
    PROGRAM_DIRECTOR = "program_director", "Program director"
    COORDINATOR = "coordinator", "Program coordinator"
    FACULTY = "faculty", "Faculty"
    PRECEPTOR = "preceptor", "Preceptor"
    SUPERVISOR = "supervisor", "Supervisor"
    RESIDENT = "resident", "Resident"
    STUDENT = "student", "Student"
    # site scope
    CLINICIAN = "clinician", "Clinician"
    CLINIC_STAFF = "clinic_staff", "Clinic staff"
    # site scope, clinical (what each may do is data: apps.clinical RolePermission codes)
    CLINIC_MANAGER = "clinic_manager", "Clinic manager"
    PRACTITIONER = "practitioner", "Practitioner"
    NURSE = "nurse", "Nurse"
    RECEPTION = "reception", "Reception"
    LAB_TECHNICIAN = "lab_technician", "Lab technician"
    PHARMACIST = "pharmacist", "Pharmacist"
    CLINICAL_LEARNER = "clinical_learner", "Learner on rotation (student or resident)"


PROGRAM_ROLES = frozenset(
    {Role.PROGRAM_DIRECTOR, Role.COORDINATOR, Role.FACULTY, Role.PRECEPTOR, Role.SUPERVISOR,
     Role.RESIDENT, Role.STUDENT}
)
# Staff roles at a clinic site (they read patient data). The patient portal role is not one of them.
# Holding one of them makes a second factor mandatory (apps.tenants.two_factor.two_factor_required):
# a new clinical role joins by being listed here.
CLINICAL_ROLES = frozenset(
    {Role.CLINICIAN, Role.CLINIC_STAFF, Role.CLINIC_MANAGER, Role.PRACTITIONER, Role.NURSE, Role.RECEPTION,
     Role.LAB_TECHNICIAN, Role.PHARMACIST, Role.CLINICAL_LEARNER}
)
SITE_ROLES = CLINICAL_ROLES
COMPANY_ROLES = frozenset({Role.ORG_ADMIN, Role.PATIENT})

PROGRAM_MANAGERS = frozenset({Role.PROGRAM_DIRECTOR, Role.COORDINATOR})
# Who manages a program's records (assessments, requests): its managers, or the organization admin.
MANAGERS = PROGRAM_MANAGERS | {Role.ORG_ADMIN}
# Who may open a program's dashboards and its learners' progress and person pages.
PROGRAM_VIEWERS = PROGRAM_MANAGERS | {Role.FACULTY}
ASSESSORS = frozenset({Role.FACULTY, Role.PRECEPTOR, Role.SUPERVISOR, Role.PROGRAM_DIRECTOR})
LEARNERS = frozenset({Role.RESIDENT, Role.STUDENT})
