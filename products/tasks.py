"""Celery tasks of the catalogue: re-assessment reminders for risk questionnaires."""

from celery import shared_task

from products.suitability import send_reassessment_reminders


@shared_task(name="products.remind_risk_reassessment")
def remind_risk_reassessment() -> int:
    """Daily (Celery beat): remind customers whose risk assessment is about to expire."""
    return send_reassessment_reminders()
