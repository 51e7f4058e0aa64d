"""One registry of every app's part of a customer's personal data: download and erasure.

Each app registers its own part from its ``AppConfig.ready()`` (``<app>/personal_data.py``)::

    from targeting.tracking import personal_data

    personal_data.register(
        "products",
        label=_("Product applications"),
        export=export_applications,      # (subject) -> JSON-ready value
        erase=erase_applications,        # (subject) -> None, inside the erasure's transaction
        files=application_files,         # optional: (subject) -> iterable of ExportFile
        order=100,                       # erasure order; lower first, the account itself last
    )

Tracking knows no other app: it calls whatever was registered. ``export_archive`` builds the
customer's download (a ZIP: ``data.json`` with one key per part, a ``README.txt``, and the
files parts hand over); ``erase`` runs every part's ``erase`` in one database transaction, so a
failure in any part erases nothing, and file deletions wait for the commit
(``transaction.on_commit``). Erasing twice is harmless: the second run finds nothing to erase.
See docs/privacy.md.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

logger = logging.getLogger("targeting.tracking")

#: The version of the download's layout, written into ``data.json``.
FORMAT = "portal-personal-data/1"


@dataclass(frozen=True)
class Subject:
    """Who is exported or erased, with every identifier the portal knows them by.

    Resolved once, before any part runs, so a part erased early (the visitor links, the
    customer number) does not hide the customer from the parts after it.
    """

    user: Any
    user_id: int
    username: str
    email: str
    names: tuple[str, ...] = ()
    visitor_ids: tuple[str, ...] = ()
    customer_refs: tuple[str, ...] = ()
    customer_number: str = ""
    #: What the account is called once erased (``erased-<id>``), for text that must keep a name.
    erased_name: str = ""

    @property
    def identifiers(self) -> tuple[str, ...]:
        """Text that identifies the customer (for scrubbing free text that mentions them)."""
        values = (self.username, self.email, *self.names, self.customer_number)
        return tuple(v for v in dict.fromkeys(values) if v and v != self.erased_name)


@dataclass(frozen=True)
class ExportFile:
    """A file a part hands over with the download, stored at ``path`` inside the archive."""

    path: str
    open: Callable[[], IO[bytes]]


@dataclass(frozen=True)
class Part:
    """One app's part of the customer's data."""

    name: str
    label: str | Promise
    export: Callable[[Subject], Any]
    erase: Callable[[Subject], None]
    files: Callable[[Subject], Iterable[ExportFile]] | None = None
    order: int = 100


@dataclass
class _Registry:
    parts: dict[str, Part] = field(default_factory=dict)
    resolvers: list[Callable[[Any], dict[str, Any]]] = field(default_factory=list)


_registry = _Registry()


def register(
    name: str,
    *,
    label: str | Promise,
    export: Callable[[Subject], Any],
    erase: Callable[[Subject], None],
    files: Callable[[Subject], Iterable[ExportFile]] | None = None,
    order: int = 100,
) -> Part:
    """Register (or replace, by name) an app's part; call it from ``AppConfig.ready()``."""
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"personal data part name {name!r}: letters, digits and _ only")
    part = Part(name=name, label=label, export=export, erase=erase, files=files, order=order)
    _registry.parts[name] = part
    return part


def unregister(name: str) -> None:
    """Remove a part (tests that register a failing part put the registry back with this)."""
    _registry.parts.pop(name, None)


def add_identifiers(resolver: Callable[[Any], dict[str, Any]]) -> None:
    """Register a function ``(user) -> {"visitor_ids": [...], "customer_refs": [...], ...}``
    that tells the subject's identifiers kept by an app (tracking registers the visitor links
    and customer number). Keys are ``Subject`` fields; lists are added up."""
    if resolver not in _registry.resolvers:
        _registry.resolvers.append(resolver)


def parts() -> list[Part]:
    """The registered parts in erasure order (then by name)."""
    return sorted(_registry.parts.values(), key=lambda p: (p.order, p.name))


def subject_for(user: Any) -> Subject:
    """The subject, with the identifiers every registered resolver knows."""
    gathered: dict[str, list[str]] = {"names": [], "visitor_ids": [], "customer_refs": []}
    customer_number = ""
    for resolver in _registry.resolvers:
        found = resolver(user)
        for key in gathered:
            gathered[key].extend(str(v) for v in found.get(key) or () if v)
        customer_number = customer_number or str(found.get("customer_number") or "")
    names = [getattr(user, "first_name", ""), getattr(user, "last_name", "")]
    full = " ".join(n for n in names if n)
    return Subject(
        user=user,
        user_id=user.pk,
        username=user.get_username(),
        email=getattr(user, "email", "") or "",
        names=tuple(dict.fromkeys(v for v in [*names, full, *gathered["names"]] if v)),
        visitor_ids=tuple(dict.fromkeys(gathered["visitor_ids"])),
        customer_refs=tuple(dict.fromkeys([f"user-{user.pk}", *gathered["customer_refs"]])),
        customer_number=customer_number,
        erased_name=f"erased-{user.pk}",
    )


def export_document(user: Any) -> dict[str, Any]:
    """Every registered part's data, one key per part, as one JSON-ready document."""
    subject = subject_for(user)
    document: dict[str, Any] = {"format": FORMAT, "exported_at": timezone.now().isoformat()}
    for part in parts():
        document[part.name] = part.export(subject)
    return document


def _readme(document: dict[str, Any], files: list[str]) -> str:
    lines = [
        _("Your data from the bank's portal, as kept on %(date)s.")
        % {"date": document["exported_at"][:10]},
        "",
        _("data.json holds everything, one section per part of the portal:"),
    ]
    for part in parts():
        lines.append(f"  {part.name}: {part.label}")
    if files:
        lines += ["", _("Files you gave us (named in data.json where they belong):")]
        lines += [f"  {name}" for name in files]
    return "\n".join(lines) + "\n"


def export_archive(user: Any) -> bytes:
    """The customer's download: a ZIP with ``data.json``, ``README.txt`` and their files."""
    document = export_document(user)
    subject = subject_for(user)
    buffer = io.BytesIO()
    written: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str)
        )
        for part in parts():
            for item in part.files(subject) if part.files else ():
                try:
                    with item.open() as handle:
                        archive.writestr(item.path, handle.read())
                except OSError:
                    # A file missing from storage must not cost the customer the rest.
                    logger.warning("personal data: %s is missing from storage", item.path)
                    continue
                written.append(item.path)
        archive.writestr("README.txt", _readme(document, written))
    return buffer.getvalue()


def erase(user: Any) -> list[str]:
    """Erase the customer everywhere: every part in one transaction, in order.

    Returns the names of the parts that ran. Any part raising rolls back them all (and the
    files queued for deletion stay), so the customer is never left half erased.
    """
    subject = subject_for(user)
    done = []
    with transaction.atomic():
        for part in parts():
            part.erase(subject)
            done.append(part.name)
    return done
