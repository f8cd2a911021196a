"""FHIR R4 Questionnaire (a template version) and QuestionnaireResponse (a response), with the
score as an SDC-style calculated item (linkId "score", readOnly) and per-subscale scores."""

from apps.physio.scoring import registry


def _canonical(version, base):
    return f"{base}Questionnaire/{version.pk}"


def questionnaire_resource(version, base) -> dict:
    instrument = registry.get(version.instrument)
    items = [{"linkId": item["key"], "text": item["label"], "type": "choice", "required": False,
              "answerOption": [{"valueCoding": {"code": str(option["value"]), "display": option["label"]}}
                               for option in item["options"]]} for item in version.items]
    items.append({"linkId": "score", "text": f"{instrument.name} score", "type": "decimal", "readOnly": True})
    for sub in instrument.subscales:
        items.append({"linkId": f"score-{sub.key}", "text": f"{sub.label} score", "type": "decimal", "readOnly": True})
    return {"resourceType": "Questionnaire", "id": str(version.pk), "url": _canonical(version, base),
            "version": str(version.version), "name": version.instrument.upper(), "title": version.template.name,
            "status": "active" if version.template.is_active else "retired",
            "date": version.created_at.isoformat(), "description": f"Scoring: {instrument.rule_source}. "
                                                                  f"Missing items: {instrument.missing_rule}",
            "item": items}


def questionnaire_response_resource(response, base) -> dict:
    version = response.template_version
    labels = {item["key"]: item for item in version.items}
    answers = []
    for key, value in response.answers.items():
        if key.startswith("_") or key not in labels:
            continue
        option = next((o for o in labels[key]["options"] if o["value"] == value), None)
        answers.append({"linkId": key, "text": labels[key]["label"], "answer": [{"valueCoding": {
            "code": str(value), "display": option["label"] if option else str(value)}}]})
    if response.score is not None:
        answers.append({"linkId": "score", "answer": [{"valueDecimal": float(response.score)}]})
    for key, value in (response.subscales or {}).items():
        if value is not None:
            answers.append({"linkId": f"score-{key}", "answer": [{"valueDecimal": float(value)}]})
    return {"resourceType": "QuestionnaireResponse", "id": str(response.pk),
            "questionnaire": _canonical(version, base), "status": "completed",
            "subject": {"reference": f"Patient/{response.patient_id}"},
            "authored": response.submitted_at.isoformat(), "item": answers}
