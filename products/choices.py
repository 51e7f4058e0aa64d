"""The catalogue's fixed vocabularies: customer groups, product types, risk levels, channels.

They live apart from the models so forms, the comparison and the demo content can share them
without importing page classes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerGroup(models.TextChoices):
    """Who a product index page is for; one index page per group."""

    PERSONAL = "personal", _("Personal banking")
    CORPORATE = "corporate", _("Corporate banking")
    SMALL_BUSINESS = "small_business", _("Small and micro business")
    PRIVATE_BANKING = "private_banking", _("Private banking")


class ProductType(models.TextChoices):
    """What kind of product a page describes; also the product category used for targeting."""

    DEPOSIT = "deposit", _("Deposits")
    LOAN = "loan", _("Loans")
    CREDIT_CARD = "credit_card", _("Credit cards")
    WEALTH = "wealth", _("Wealth management")
    INSURANCE_FUND = "insurance_fund", _("Insurance and funds (distributed)")
    PAYMENT = "payment", _("Payments and settlement")


# Investment products must carry a risk rating (suitability rules for wealth management and
# distributed insurance and funds); credit products and payment services carry none.
RISK_RATED_TYPES = frozenset({ProductType.WEALTH, ProductType.INSURANCE_FUND})
UNRATED_TYPES = frozenset({ProductType.LOAN, ProductType.CREDIT_CARD, ProductType.PAYMENT})


class RiskLevel(models.TextChoices):
    """The bank's product risk rating, R1 (lowest) to R5 (highest)."""

    R1 = "R1", _("R1 Cautious")
    R2 = "R2", _("R2 Conservative")
    R3 = "R3", _("R3 Balanced")
    R4 = "R4", _("R4 Growth")
    R5 = "R5", _("R5 Aggressive")


RISK_LEVEL_EXPLANATIONS = {
    RiskLevel.R1: _("Principal is very unlikely to be lost; returns fluctuate very little."),
    RiskLevel.R2: _("Low risk of losing principal; returns fluctuate a little."),
    RiskLevel.R3: _("Some risk of losing principal; returns can fluctuate noticeably."),
    RiskLevel.R4: _("Considerable risk of losing principal; returns fluctuate strongly."),
    RiskLevel.R5: _("High risk of losing a large part of principal; returns are very volatile."),
}


class Channel(models.TextChoices):
    """Where a customer can get or apply for the product."""

    BRANCH = "branch", _("Branches")
    ONLINE_BANKING = "online_banking", _("Online banking")
    MOBILE_BANKING = "mobile_banking", _("Mobile banking")
    WECHAT_BANKING = "wechat_banking", _("WeChat banking")
    PHONE_BANKING = "phone_banking", _("Phone banking")


class ApplicationStatus(models.TextChoices):
    """Where customer service is with an application (lead)."""

    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ContactTime(models.TextChoices):
    """When the applicant would like to be called back."""

    ANYTIME = "anytime", _("Any time")
    MORNING = "morning", _("Morning (9:00-12:00)")
    AFTERNOON = "afternoon", _("Afternoon (12:00-18:00)")
    EVENING = "evening", _("Evening (18:00-21:00)")
