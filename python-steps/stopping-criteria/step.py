# Stopping criteria: run after each retrain, in the retrain scenario. Computes whether labeling more
# still changes the model, stores the verdict in project variables (the labeling UI shows it) and
# logs it. Logic: active_labeling.analysis.stopping.
import logging

from dataiku.customstep import get_step_config

from active_labeling.dss.stopping_config import parse_stopping_config
from active_labeling.dss.stopping_step import run_stopping_step

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

entry = run_stopping_step(parse_stopping_config(get_step_config()))
report = entry["report"]
print(f"Stopping criteria ({'stable' if report['stable'] else 'not stable yet'}): {report['sentence']}")
