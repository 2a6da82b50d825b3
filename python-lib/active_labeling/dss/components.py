"""Where each plugin component's config parser lives, for the descriptor tests.

Convention for a component (recipe, webapp, trigger, step) with parameters:

- Its entry point (``recipe.py``, ``backend.py``, ``trigger.py``, ``step.py``) turns the raw config
  into a typed config by calling one *parse function*: ``parse(raw) -> typed config``.
- The parse function is pure: it takes the raw config dict exactly as DSS gives it
  (``get_recipe_config()``...), reads every parameter through
  :class:`active_labeling.params.ParamReader` (one or several instances), touches no dataset,
  file or network, and does not import ``dataiku``.
- The component's folder maps to ``"module:function"`` in :data:`CONFIG_PARSERS`.

``tests/packaging/test_descriptors.py`` calls each parse function on configs built from the
descriptor (defaults, plausible values for mandatory parameters, one variant per value of every
parameter a ``visibilityCondition`` mentions), records the ``read_names`` of every ``ParamReader``
created meanwhile, and checks that every parameter read is declared and every declared parameter
is read in some variant. No hook is needed in the parse function itself.

When generated values cannot validate (say one parameter must be among another's columns), put
raw values that do in :data:`CONFIG_EXAMPLES`; the test lays them over the generated ones.

This module must not import ``dataiku``: the tests and the packaging tools read it anywhere.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, List

CONFIG_PARSERS: Dict[str, str] = {
    "python-triggers/every-n-labelings": "active_labeling.trigger_config:parse_trigger_config",
    "custom-recipes/query-sampler": "active_labeling.dss.sampler_config:parse_sampler_config",
    "custom-recipes/detection-query-sampler":
        "active_labeling.dss.detection_config:parse_detection_sampler_config",
    "custom-recipes/span-query-sampler":
        "active_labeling.dss.span_sampler_config:parse_span_sampler_config",
    "webapps/tabular-labeling": "active_labeling.dss.webapp_config:parse_tabular_config",
    "webapps/text-labeling": "active_labeling.dss.webapp_config:parse_text_config",
    "webapps/image-labeling": "active_labeling.dss.webapp_config:parse_image_config",
    "webapps/sound-labeling": "active_labeling.dss.webapp_config:parse_sound_config",
    "webapps/image-object-labeling": "active_labeling.dss.webapp_config:parse_image_boxes_config",
    "webapps/text-span-labeling": "active_labeling.dss.webapp_config:parse_text_spans_config",
    "custom-recipes/query-strategy-analysis": "active_labeling.dss.analysis_config:parse_analysis_config",
    "python-steps/stopping-criteria": "active_labeling.dss.stopping_config:parse_stopping_config",
}

# The labeling webapps refuse the same dataset as labels, metadata and input: name them apart.
_LABELING_OUTPUTS = {"labels_dataset": "labels", "metadata_dataset": "labels_metadata",
                     "categories": [{"from": "cat", "to": "Cats"}, {"from": "dog", "to": "Dogs"}]}
CONFIG_EXAMPLES: Dict[str, List[Dict[str, Any]]] = {
    "webapps/tabular-labeling": [dict(_LABELING_OUTPUTS, input_dataset="rows", columns=["text"],
                                      id_column="id", hotkeys=[{"from": "dog", "to": "d"}])],
    "webapps/text-labeling": [dict(_LABELING_OUTPUTS, input_dataset="texts", text_column="text",
                                   context_columns=["source"], id_column="id")],
    "webapps/image-labeling": [dict(_LABELING_OUTPUTS, input_folder="images")],
    "webapps/sound-labeling": [dict(_LABELING_OUTPUTS, input_folder="sounds")],
    "webapps/image-object-labeling": [dict(_LABELING_OUTPUTS, input_folder="images"),
                                      dict(_LABELING_OUTPUTS, input_folder="images", queries_dataset=None,
                                           predictions_dataset="scored")],
    "webapps/text-span-labeling": [dict(_LABELING_OUTPUTS, input_dataset="texts", text_column="text",
                                        id_column="id", overlapping_spans=True)],
}


def load_parser(component: str) -> Callable[[Any], Any]:
    """The parse function registered for a component folder.

    Parameters
    ----------
    component : str
        The folder, relative to the plugin root (``"custom-recipes/query-sampler"``).

    Returns
    -------
    callable
        ``parse(raw) -> typed config``.

    Raises
    ------
    KeyError
        When the component has no entry in :data:`CONFIG_PARSERS`.
    """
    module_name, _, function_name = CONFIG_PARSERS[component].partition(":")
    return getattr(importlib.import_module(module_name), function_name)
