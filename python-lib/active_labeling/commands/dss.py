"""``active-labeling dss setup-scenario``: the retrain-and-requery scenario of a DSS project."""

from __future__ import annotations

import argparse
import os
import sys

from active_labeling.cli import UserError

# Not imported from active_labeling.dss: `active-labeling --help` must work without dataikuapi.
DEFAULT_N = 100
DEFAULT_DELAY_SECONDS = 30


def register(subparsers) -> None:
    """Add ``dss`` and its ``setup-scenario`` subcommand."""
    dss = subparsers.add_parser("dss", help="set up the retrain-and-requery scenario in a DSS project")
    actions = dss.add_subparsers(dest="dss_command", metavar="ACTION")
    setup = actions.add_parser(
        "setup-scenario",
        help="Create or update the 'Retrain and re-query' scenario and its every-n-labelings trigger.",
        description="Create (or update) a step-based scenario that retrains the saved model, then "
                    "rebuilds the queries dataset with the Query Sampler recipe, started by the plugin's "
                    "'Every n labelings' trigger. Steps and trigger are written as DSS's UI writes them. "
                    "Running it again updates the same scenario and never adds a second copy of its "
                    "steps or trigger (they are found again by id, or by type and name: keep their names "
                    "if you edit them in DSS). On a rerun the saved model and datasets given here "
                    "replace those in the scenario, and the trigger is switched on; the trigger's n and "
                    "delay keep what you set in DSS unless --n or --delay is given; run conditions, "
                    "retries, build modes, the grace delay and your own steps and triggers are kept.")
    setup.add_argument("--project", required=True, help="DSS project key.")
    setup.add_argument("--url", default=os.environ.get("DSS_URL"), help="DSS URL (default: $DSS_URL).")
    setup.add_argument("--api-key", default=os.environ.get("DSS_API_KEY"),
                       help="DSS API key (default: $DSS_API_KEY).")
    setup.add_argument("--saved-model", required=True, help="Id of the saved model to retrain.")
    setup.add_argument("--labels-dataset", required=True, help="The labels dataset the model trains on.")
    setup.add_argument("--queries-dataset", required=True, help="The Query Sampler recipe's output dataset.")
    setup.add_argument("--metadata-dataset", required=True, help="The labeling webapp's metadata dataset.")
    setup.add_argument("--n", type=int, default=None,
                       help=f"Retrain every N labelings (a new trigger: {DEFAULT_N}; a rerun without "
                            "--n keeps the trigger's n).")
    setup.add_argument("--delay", type=int, default=None,
                       help=f"Seconds between two evaluations of the trigger, at least 5 (a new trigger: "
                            f"{DEFAULT_DELAY_SECONDS}; a rerun without --delay keeps the trigger's delay).")
    setup.set_defaults(func=_setup_scenario)
    dss.set_defaults(func=lambda args: dss.print_help() or 2)


def _setup_scenario(args: argparse.Namespace) -> int:
    if not args.url or not args.api_key:
        raise UserError("give --url and --api-key (or set DSS_URL and DSS_API_KEY).")
    if args.n is not None and args.n < 1:
        raise UserError(f"--n should be a whole number ≥ 1, got {args.n}.")
    if args.delay is not None and args.delay < 5:
        raise UserError(f"--delay should be at least 5 seconds (the DSS minimum), got {args.delay}.")
    # Imported here so that `active-labeling --help` works without dataikuapi.
    from active_labeling.dss.scenario_setup import (
        SCENARIO_NAME,
        ScenarioSetupError,
        ScenarioSpec,
        setup_scenario_at,
    )

    spec = ScenarioSpec(project=args.project, saved_model=args.saved_model,
                        labels_dataset=args.labels_dataset, queries_dataset=args.queries_dataset,
                        metadata_dataset=args.metadata_dataset, n=args.n, delay_seconds=args.delay)
    try:
        result = setup_scenario_at(args.url, args.api_key, spec)
    except ScenarioSetupError as error:
        raise UserError(str(error)) from None
    for note in result.notes:
        print(f"warning: {note}", file=sys.stderr)
    done = "Created" if result.created else "Updated"
    print(f"{done} scenario '{SCENARIO_NAME}' ({result.scenario_id}) in project {args.project}: retrains "
          f"{args.saved_model}, then rebuilds {args.queries_dataset}, every {result.n} labelings "
          f"(checked every {result.delay_seconds} s).")
    return 0
