"""The `jaring` console command: Django's management commands, with dashed names allowed.

jaring serve            production server (gunicorn) with static files served by the app
jaring worker           the background job worker
jaring demo             seed demo data into a SQLite file and serve it
jaring api-token create --name NAME --funder CODE --scope SCOPE
jaring seed-reference   regions, funders, agencies, sectors, UMK, holidays
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        # Our commands are spelled with dashes (api-token); Django's module names cannot be.
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] == "demo" and "JARING_SECRET_KEY" not in os.environ:
        # Before Django reads its settings: the demo's own random key, made once in its data folder, which
        # marks the folder as a demo's; every later `jaring ...` on that folder finds it (settings.DEMO_MODE).
        from jaring.env import SettingError, data_dir, demo_key_ensure

        try:
            demo_key_ensure(data_dir(os.environ))
        except (OSError, SettingError) as exc:
            sys.stderr.write(f"Jaring configuration error: {exc}\n")
            raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
