"""``manage.py import_crm_segments FILE.csv``: load CRM segment memberships (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from targeting.crm import CrmFileError, import_memberships


class Command(BaseCommand):
    help = "Import CRM segment memberships from a CSV file with columns customer,code,expires."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file exported by the CRM (UTF-8).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            with open(path, encoding="utf-8-sig", newline="") as stream:
                report = import_memberships(stream)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text") from exc
        except CrmFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for line, reason in report.rejected:
            self.stderr.write(f"{path}:{line}: rejected: {reason}")
        self.stdout.write(
            f"{report.accepted} rows accepted ({report.created} created, {report.updated} "
            f"updated, {report.unchanged} unchanged), {len(report.rejected)} rejected."
        )
