# The text span labeling webapp's backend: DSS exec's this file with a Flask `app` in its globals.
# Everything happens in the plugin's library (python-lib/active_labeling/dss/webapp.py).
from dataiku.customwebapp import get_webapp_config

from active_labeling.dss.webapp import setup_labeling_webapp
from active_labeling.dss.webapp_config import parse_text_spans_config

setup_labeling_webapp(app, parse_text_spans_config(get_webapp_config()))  # noqa: F821 - DSS provides `app`
