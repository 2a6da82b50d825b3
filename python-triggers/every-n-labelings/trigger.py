# "Every n labelings": re-run by DSS every few seconds; fires the scenario (retrain, re-query)
# once n labelings were made in the current queries generation. Logic: active_labeling.triggering.
import sys

from dataiku.customtrigger import get_trigger_config
from dataiku.scenario import Trigger

from active_labeling.dss.trigger_io import TriggerInputError, evaluate, trigger_state
from active_labeling.params import ParamError
from active_labeling.trigger_config import parse_trigger_config

trigger = Trigger()
try:
    decision = evaluate(parse_trigger_config(get_trigger_config()), trigger_state(trigger))
except (ParamError, TriggerInputError) as error:
    sys.exit(str(error))  # the message ends in the trigger's log; nothing fires
print(f"Every n labelings: {decision.reason}; {'firing' if decision.fire else 'not firing'}.")
if decision.fire:
    trigger.fire(state=decision.state, params=decision.params)
