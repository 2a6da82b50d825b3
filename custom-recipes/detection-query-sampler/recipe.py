"""Object detection Query Sampler recipe: rank images by how unsure a detector is of its boxes."""

import logging

from dataiku.customrecipe import get_input_names_for_role, get_output_names_for_role, get_recipe_config

from active_labeling.dss.detection_config import parse_detection_sampler_config
from active_labeling.dss.detection_sampler import run_detection_sampler

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")


def _one(role):
    names = get_input_names_for_role(role)
    return names[0] if names else None


run_detection_sampler(parse_detection_sampler_config(get_recipe_config()), detector=_one("detector"),
                      images=_one("images"), predictions=_one("predictions"), metadata=_one("metadata"),
                      queries=get_output_names_for_role("queries")[0])
