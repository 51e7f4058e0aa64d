"""Purchase intent heard on the portal becomes ``listening.purchase_intent`` in targeting."""

import pytest
from django.core.cache import cache

from community.listening import tasks
from targeting.engine.context import RequestInfo, VisitorContext
from targeting.engine.rules import RuleError, compile_rule, validate
from targeting.profiles import load_customer
from tests.community.factories import BoardFactory, PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db
RULE = {"attr": "listening.purchase_intent", "op": "in", "value": ["credit_card"]}


def _customer_says(user, text):
    board = BoardFactory(name="信用卡", slug=f"cards-{user.pk}")
    topic = TopicFactory(board=board, author=user, title="请教")
    PostFactory(topic=topic, author=user, body_markdown=text)
    tasks.process_all_pending()


def test_a_customers_purchase_intent_reaches_the_rule_language(customer):
    assert load_customer(customer)["listening_intents"] == []
    _customer_says(customer, "想办一张信用卡，哪家银行的权益好一点")
    record = load_customer(customer)  # the cached document was dropped when it was heard
    assert record["listening_intents"] == ["credit_card"]
    context = VisitorContext(
        RequestInfo(customer_id=str(customer.pk), customer_loader=lambda: record)
    )
    assert compile_rule(RULE)(context) is True


def test_someone_elses_intent_and_other_topics_do_not_count(customer):
    other = UserFactory(username="xiaohong")
    _customer_says(other, "想办一张信用卡，哪家银行的权益好一点")
    _customer_says(customer, "天河支行排队两个小时，态度恶劣，必须投诉")
    cache.clear()
    assert load_customer(customer)["listening_intents"] == []


def test_anonymous_visitors_have_no_intent_and_the_rule_is_false():
    assert compile_rule(RULE)(VisitorContext(RequestInfo())) is False


def test_unknown_product_types_are_refused_naming_the_path():
    with pytest.raises(RuleError, match="value"):
        validate({"attr": "listening.purchase_intent", "op": "in", "value": ["yacht"]})
