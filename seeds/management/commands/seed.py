import time

from django.core.management.base import BaseCommand, CommandParser

from seeds.loader import SEEDERS


class Command(BaseCommand):
    help = "Load reference data (units, lists, policies) and demo data. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Reference data only.")

    def handle(self, *args: object, **options: object) -> None:
        for name, seeder, is_demo in SEEDERS:
            if is_demo and options["no_demo"]:
                continue
            started = time.perf_counter()
            seeder()
            self.stdout.write(f"seed {name}: {time.perf_counter() - started:.2f}s")
