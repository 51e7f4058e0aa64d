"""Precision and recall of the topic classifier on a held-out fifth of the labelled set."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from community.listening import classify


class Command(BaseCommand):
    help = "Train on four fifths of the labelled posts, print precision and recall on the rest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=classify.SEED)

    def write_table(self, report: dict[str, Any], macro_label: str) -> None:
        """Precision, recall and F1 per topic of a scikit-learn report, then the macro average."""
        self.stdout.write(f"{'topic':<20}{'precision':>10}{'recall':>10}{'f1':>8}{'posts':>7}")
        for topic, row in report.items():
            if not isinstance(row, dict) or topic in ("macro avg", "weighted avg"):
                continue
            self.stdout.write(
                f"{topic:<20}{row['precision']:>10.3f}{row['recall']:>10.3f}"
                f"{row['f1-score']:>8.3f}{int(row['support']):>7}"
            )
        macro = report["macro avg"]
        self.stdout.write(
            f"{macro_label:<20}{macro['precision']:>10.3f}{macro['recall']:>10.3f}"
            f"{macro['f1-score']:>8.3f}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = classify.evaluate(options["seed"])
        report = result["report"]
        self.stdout.write(
            f"trained on {result['train']} posts, measured on {result['test']} held out "
            f"(seed {options['seed']})"
        )
        self.write_table(report, "macro average")
        self.stdout.write(f"accuracy {report['accuracy']:.3f}")
        hard = result.get("hard")
        if hard:
            self.stdout.write(
                f"hand-written posts only (trained without them): accuracy {hard['accuracy']:.3f} "
                f"on {hard['posts']}"
            )
        written = result.get("written")
        if written:
            self.stdout.write(
                f"hand-written posts, {classify.FOLDS} folds (trained on the generated set and "
                f"the other folds), {result['written_posts']} posts:"
            )
            self.write_table(written, "hand-written macro")
            self.stdout.write(f"hand-written accuracy {written['accuracy']:.3f}")
        model = result["model"]
        self.stdout.write("words that weigh most per topic:")
        for topic in model.classes:
            self.stdout.write(f"  {topic}: {' '.join(model.top_words(topic))}")
