"""The `intercoop` console script: Django's management commands under one name.

Our own commands are spelled with hyphens (`intercoop import-orgs`); Django's keep their
names (`intercoop migrate`). `intercoop --help` lists both.
"""

import importlib
import os
import sys

# Intercoop's commands, in the order `--help` lists them: CLI name → management command.
COMMANDS = {
    "import-orgs": "import_orgs",
    "export-orgs": "export_orgs",
    "demo": "demo",
    "create-token": "create_token",
    "audit": "audit",
    "import-relationships": "import_relationships",
    "export-relationships": "export_relationships",
    "network-metrics": "network_metrics",
    "import-baseline": "import_baseline",
    "import-exchange": "import_exchange",
    "matches": "matches",
    "backup": "backup",
    "restore": "restore",
    "clock": "clock",
    "digests": "digests",
    "export-course": "export_course",
    "import-course": "import_course",
}
# Commands that work on files alone: run without starting Django. Name → module with
# HELP and main(argv) -> exit status.
STANDALONE = {
    "allocate": "intercoop.purchasing.cli",
    "clear": "intercoop.clearing.cli",
    "count-votes": "intercoop.governance.cli",
    "loan-schedule": "intercoop.capital.cli",
    "loan-status": "intercoop.capital.status_cli",
}


def _usage() -> str:
    from django.core.management import get_commands, load_command_class

    lines = [
        "usage: intercoop COMMAND [options]   (intercoop COMMAND --help for a command's options)",
        "",
        "Intercoop commands:",
    ]
    available = get_commands()
    for cli_name, command in COMMANDS.items():
        help_text = load_command_class(available[command], command).help.split("\n")[0]
        lines.append(f"  {cli_name:<16} {help_text}")
    for cli_name, module in STANDALONE.items():
        lines.append(f"  {cli_name:<16} {importlib.import_module(module).HELP}")
    lines += ["", "Django commands:"]
    ours = set(COMMANDS.values())
    names = sorted(name for name in available if name not in ours)
    lines += [f"  {' '.join(names[i : i + 6])}" for i in range(0, len(names), 6)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in STANDALONE:
        status = importlib.import_module(STANDALONE[args[0]]).main(args[1:])
        if status:
            sys.exit(status)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intercoop.config.settings")
    import django
    from django.core.management import execute_from_command_line

    if not args or (args[0] in {"-h", "--help", "help"} and len(args) == 1):
        django.setup()
        try:
            print(_usage())
        except BrokenPipeError:  # `intercoop --help | head`
            sys.stderr.close()
        return
    if args[0] == "help" and len(args) > 1:
        args = [COMMANDS.get(args[1], args[1]), "--help"]
    args[0] = COMMANDS.get(args[0], args[0])
    from django.core.exceptions import PermissionDenied

    from intercoop.core.errors import DomainError, report_row_errors

    try:
        execute_from_command_line(["intercoop", *args])
    except BrokenPipeError:  # `intercoop export-orgs ... | head`
        sys.stderr.close()
    except PermissionDenied as error:  # the one permission error, as a message
        print(f"intercoop: not allowed: {error}", file=sys.stderr)
        sys.exit(1)
    except DomainError as error:
        print(f"intercoop: {error.message}", file=sys.stderr)
        errors = getattr(error, "errors", [])
        if isinstance(errors, dict):  # InvalidValues: {field: reason}
            errors = [f"{field}: {reason}" for field, reason in errors.items()]
        report_row_errors(lambda text: print(text, file=sys.stderr), errors)
        sys.exit(1)


if __name__ == "__main__":
    main()
