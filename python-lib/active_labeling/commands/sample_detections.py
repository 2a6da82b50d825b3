"""``active-labeling sample --predictions``: queries of images from a detector's output (boxes).

No detector runs here: the user's detector writes one row per image (its path and its boxes with
confidences, as DSS's object detection scoring does); the images are ranked by how unsure the
detector is (:mod:`active_labeling.sampling.detections`) and the queries keep the boxes, which
``serve --task boxes --queries`` draws as pre-boxes.
"""

from __future__ import annotations

import argparse
import os


def run_detections(args: argparse.Namespace) -> int:
    """Rank, write the queries, print the summary."""
    from active_labeling.cli import UserError
    from active_labeling.sampling.detections import DetectionSettings, rank_detections
    from active_labeling.sampling.errors import SamplerError
    from active_labeling.sampling.exclusion import LabeledFilter, labeled_item_ids
    from active_labeling.sampling.file_chunks import table_chunks
    from active_labeling.sampling.folder_rows import PATH_COLUMN
    from active_labeling.table_files import csv_format

    if args.model and args.predictions:
        raise UserError("give --model (a classifier) or --predictions (a detector's boxes), not both")
    if not args.predictions:
        raise UserError("give --model (a pickled classifier) or, for boxes, --predictions (a detector's "
                        "output: one row per image with its path and boxes)")
    extension = os.path.splitext(args.out)[1].lower()
    try:
        if extension not in (".csv", ".parquet"):
            raise SamplerError(f"--out {args.out}: give a file name ending in .csv or .parquet")
        labeled = None
        if args.labeled:
            import pandas as pd

            metadata = next(iter(table_chunks(args.labeled, 10 ** 9)), None)
            if metadata is None:
                metadata = pd.DataFrame({"item_id": [], "status": []})
            labeled = LabeledFilter(labeled_item_ids(metadata), PATH_COLUMN)
        root = os.path.abspath(args.data)
        chunks = (_inside(chunk, root) for chunk in table_chunks(args.predictions, max(1, args.chunk_size),
                                                                  csv_format(args)))
        queries, report = rank_detections(chunks, DetectionSettings(n_queries=args.n), labeled,
                                          os.path.basename(args.predictions))
        if extension == ".csv":
            queries.to_csv(args.out, index=False)
        else:
            queries.to_parquet(args.out, index=False)
    except SamplerError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot write --out {args.out}: {error.strerror or error}") from None
    for line in report.lines():
        print(line)
    return 0


def _inside(chunk, root: str):
    """Paths under --data written as absolute paths become the folder's item paths ("/a/b.png")."""
    if "path" not in chunk.columns:
        return chunk
    prefix = root.rstrip(os.sep) + os.sep

    def relative(path):
        text = str(path)
        return "/" + os.path.relpath(text, root).replace(os.sep, "/") if text.startswith(prefix) else text
    return chunk.assign(path=[relative(p) for p in chunk["path"].tolist()])
