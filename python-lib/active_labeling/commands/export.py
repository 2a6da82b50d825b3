"""``active-labeling export``: a workspace's labels and metadata as CSV or Parquet files."""

from __future__ import annotations

from pathlib import Path

_HELP = """Write labels.<format> and metadata.<format> from a workspace made by `active-labeling
serve`. labels: one row per item and annotator with their latest label; its columns are item_id
(labeling_item_id when the items have an item_id column), the item's columns, then the label.
For a folder of images or sounds, the item's column is path: the file's place inside the --data
folder, written with a leading / as DSS managed folders do (/cats/1.png is <data>/cats/1.png).
metadata: every decision in order (label_id, item_id, annotator, date, status, label, comment,
session); its item_id joins labels.item_id. Its date is a UTC timestamp in Parquet, ISO 8601 text
in CSV. An existing file with other columns is left untouched: the export then stops.
For a workspace of boxes (serve --task boxes), the label is the JSON list [{"bbox": [x, y, width,
height], "category": ...}] that DSS's object detection trains on, in pixels of the original image
(EXIF orientation applied); --format coco writes annotations.coco.json instead (COCO object
detection: one image per labeled image, the latest label when several annotators labeled it).
For a workspace of spans (serve --task spans), the label is the JSON list [{"start", "end", "text",
"category"}] with character offsets into the text (Python string indices); --format spacy writes
spans.jsonl ({"text", "spans": [{"start", "end", "label"}]} per text) and --format conll writes
spans.conll (one token and its IOB2 tag per line, a blank line between texts) instead."""


def register(subparsers) -> None:
    """Add the ``export`` subcommand."""
    parser = subparsers.add_parser("export", help="write the labels and metadata of a workspace",
                                   description=_HELP)
    parser.add_argument("--workspace", type=Path, default=Path("labeling-workspace"),
                        help="the workspace folder (default: ./labeling-workspace)")
    parser.add_argument("--format", choices=("csv", "parquet", "coco", "spacy", "conll"), default="csv",
                        help="file format (default: csv; coco: a boxes workspace as COCO JSON; spacy, "
                             "conll: a spans workspace as spaCy-style JSONL or IOB2 tokens)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Export and print what was written."""
    from active_labeling.cli import UserError
    from active_labeling.local.export import ExportError, export, folder_paths_note
    from active_labeling.local.workspace import WorkspaceError, open_workspace

    try:
        workspace = open_workspace(args.workspace, create=False)
    except WorkspaceError as error:
        raise UserError(str(error)) from None
    if args.format == "coco":
        return _coco(workspace, args.out)
    if args.format in ("spacy", "conll"):
        return _spans(workspace, args.out, args.format)
    try:
        written = export(workspace, args.out, args.format)
        note = folder_paths_note(workspace)
    except ExportError as error:
        raise UserError(str(error)) from None
    finally:
        workspace.close()
    for name, path in written.items():
        print(f"{name}: {path}")
    if note:
        print(f"  {note}")
    return 0


def _coco(workspace, out) -> int:
    from active_labeling.cli import UserError
    from active_labeling.local.export_coco import CocoExportError, export_coco

    try:
        done = export_coco(workspace, out)
    except CocoExportError as error:
        raise UserError(str(error)) from None
    finally:
        workspace.close()
    print(f"coco: {done['path']} ({done['images']} images, {done['annotations']} boxes)")
    if done["skipped_files"]:
        print(f"  left out, unreadable now: {', '.join(done['skipped_files'])}")
    return 0


def _spans(workspace, out, fmt: str) -> int:
    from active_labeling.cli import UserError
    from active_labeling.local.export_spans import SpansExportError, export_spans

    try:
        done = export_spans(workspace, out, fmt)
    except SpansExportError as error:
        raise UserError(str(error)) from None
    finally:
        workspace.close()
    print(f"{fmt}: {done['path']} ({done['texts']} texts)")
    return 0
