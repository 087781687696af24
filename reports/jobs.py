"""Celery jobs of the reports app: they take ids and call a service."""

from celery import shared_task

from reports.services import report_document_generate


@shared_task(name="reports.generate_report_document", ignore_result=True)
def generate_report_document(document_id: int) -> None:
    """Generate a requested report document (idempotent: a finished one is left alone)."""
    report_document_generate(document_id=document_id)
