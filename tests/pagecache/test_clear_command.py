"""`manage.py pagecache_clear`: a deploy's new templates and code reach cached pages at once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from portal.pagecache.keys import current_generation


# As from a shell: the command's own transaction commits, so the new generation is in force
# when it reports it.
@pytest.mark.django_db(transaction=True)
def test_the_command_gives_the_cache_a_new_generation():
    before = current_generation()
    out = StringIO()

    call_command("pagecache_clear", stdout=out)

    after = current_generation()
    assert after != before
    assert f"{before[:8]} -> {after[:8]}" in out.getvalue()
