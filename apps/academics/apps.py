from django.apps import AppConfig


class AcademicsConfig(AppConfig):
    name = "apps.academics"
    label = "academics"
    verbose_name = "Academics"

    def ready(self):
        from apps.academics.panels import programs_panel
        from apps.core.navigation import register_nav_item, register_home_panel
        from apps.tenants.roles import Role

        register_nav_item("Programs", "academics:program_list",
                          roles=[Role.COORDINATOR, Role.PROGRAM_DIRECTOR, Role.FACULTY, Role.RESIDENT, Role.STUDENT],
                          order=20)
        register_home_panel(programs_panel, order=20)
