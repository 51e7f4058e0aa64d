"""Fixtures for social listening: staff of each team, an analyst, and posts through intake."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from community.listening import entities, noise
from portal.apikeys.tokens import issue
from tests.community.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    entities.reset()
    noise._compiled = None
    yield
    noise._compiled = None


@pytest.fixture
def analyst(db):
    return UserFactory(username="fenxi", groups=["Listening analysts"])


@pytest.fixture
def service_agent(db):
    return UserFactory(username="kefu", groups=["Customer service"])


@pytest.fixture
def ops_agent(db):
    return UserFactory(username="yunwei", groups=["Operations"])


@pytest.fixture
def comms_agent(db):
    return UserFactory(username="gongguan", groups=["Communications"])


@pytest.fixture
def customer(db):
    return UserFactory(username="xiaoming")


@pytest.fixture
def collector(db):
    user = UserFactory(username="collector")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="listening", codename="add_listeningitem")
    )
    return user, f"Token {issue(user, name='collector').key}"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
