import time

from django.core.management.base import BaseCommand

from danvan.org.loader import load_administrative_units


class Command(BaseCommand):
    help = "Load or update the 34 provinces and 3,321 communes (vietnam-provinces package)."

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        result = load_administrative_units()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Units: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged in {elapsed:.2f}s"
        )
