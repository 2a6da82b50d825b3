"""The CSV and Parquet files users give: one reader for every command, with the CSV's separator
and quote character, and errors that name the file and the line, say what was expected and
what to do (pandas alone says ``Expected 1 fields in line 4, saw 3``, naming neither).
"""

from __future__ import annotations

import argparse
import contextlib
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence, Union

import pandas as pd

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
# Separators met in the wild, in the order a guess prefers them.
_LIKELY_SEPARATORS = (",", ";", "\t", "|")
_NAMES = {"\t": "tab"}
_TOO_MANY = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


class TableFileError(ValueError):
    """A table file can't be read; the message names it and says what to do."""


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is written: its separator and its quote character (one character each)."""

    sep: str = ","
    quotechar: str = '"'

    def __post_init__(self):
        for option, value in (("--sep", self.sep), ("--quotechar", self.quotechar)):
            if len(value) != 1 or value in "\r\n":
                raise ValueError(f"{option} should be one character, got {value!r}")
        if self.sep == self.quotechar:
            raise ValueError(f"--sep and --quotechar are both {self.sep!r}: they must differ")


def _one_character(text: str) -> str:
    # Typed in a shell, a tab is hard to give: accept its names too.
    char = "\t" if text.lower() in ("tab", "\\t") else text
    if len(char) != 1 or char in "\r\n":
        raise argparse.ArgumentTypeError(f"should be one character, like ';' or tab; got {text!r}")
    return char


def add_csv_arguments(parser: argparse.ArgumentParser, files: str = "the --data CSV file") -> None:
    """Add ``--sep`` and ``--quotechar``, describing ``files``."""
    parser.add_argument("--sep", type=_one_character, default=",", metavar="CHAR",
                        help=f"the separator of {files} (default: ','); ';', tab or '|' are common")
    parser.add_argument("--quotechar", type=_one_character, default='"', metavar="CHAR",
                        help=f"the character around values of {files} that hold the separator "
                             "(default: '\"')")


def csv_format(args: argparse.Namespace) -> CsvFormat:
    """The ``CsvFormat`` of the parsed ``--sep`` and ``--quotechar``.

    Raises
    ------
    active_labeling.cli.UserError
        Both options give the same character.
    """
    try:
        return CsvFormat(args.sep, args.quotechar)
    except ValueError as error:
        from active_labeling.cli import UserError

        raise UserError(str(error)) from None


def read_table(path: Union[str, Path], columns: Optional[Sequence[str]] = None,
               csv: Optional[CsvFormat] = None) -> pd.DataFrame:
    """A CSV or Parquet file as a DataFrame.

    Parameters
    ----------
    path : str or Path
    columns : sequence of str, optional
        Read only these columns.
    csv : CsvFormat, optional
        How the user said the CSV is written (``--sep``, ``--quotechar``). None for the files
        active-labeling writes itself (comma, double quote): errors then don't offer the options.

    Raises
    ------
    TableFileError
        The file is missing, empty, neither CSV nor Parquet, or can't be parsed.
    """
    path = Path(path)
    wanted = list(columns) if columns else None
    if _suffix(path) == ".csv":
        fmt = csv or CsvFormat()
        try:
            with _no_lost_values():
                return pd.read_csv(path, usecols=wanted, sep=fmt.sep, quotechar=fmt.quotechar,
                                   index_col=False)
        except (ValueError, OSError) as error:  # pandas' parser errors are ValueErrors
            raise explain(path, error, csv) from None
    try:
        return pd.read_parquet(path, columns=wanted)
    except (ValueError, OSError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise explain(path, error, csv) from None


def read_chunks(path: Union[str, Path], chunk_size: int,
                csv: Optional[CsvFormat] = None) -> Iterator[pd.DataFrame]:
    """The rows of a CSV or Parquet file, ``chunk_size`` at a time, without loading the whole file.

    Same parameters and errors as ``read_table``; an error may come after some chunks.
    """
    path = Path(path)
    try:
        if _suffix(path) == ".csv":
            fmt = csv or CsvFormat()
            with _no_lost_values(), pd.read_csv(path, chunksize=chunk_size, sep=fmt.sep,
                                                quotechar=fmt.quotechar, index_col=False) as reader:
                yield from reader
        else:
            yield from _parquet_chunks(path, chunk_size)
    except (ValueError, OSError) as error:
        if isinstance(error, TableFileError):
            raise
        raise explain(path, error, csv) from None


class _LostValues(ValueError):
    """A data line has more values than the header line: pandas would drop or shift them."""


@contextlib.contextmanager
def _no_lost_values() -> Iterator[None]:
    # Without index_col=False pandas silently takes a first column for the row names when the
    # first data line is one value longer than the header; with it, pandas warns that it drops
    # the value. Either way a value would be lost without a word: an error instead.
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=pd.errors.ParserWarning)
        try:
            yield
        except pd.errors.ParserWarning as warning:
            raise _LostValues(str(warning)) from None


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise TableFileError(f"{path}: expected a .csv or .parquet file")
    return suffix


def _parquet_chunks(path: Path, chunk_size: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    try:
        # Pre-buffering (the default of recent pyarrow) would read the whole file into memory.
        parquet = pq.ParquetFile(path, pre_buffer=False)
    except TypeError:  # pyarrow without the option never pre-buffers
        parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=chunk_size):
        yield batch.to_pandas()


# ------------------------------------------------------------------------------- the messages
def explain(path: Path, error: Exception, csv: Optional[CsvFormat] = None) -> TableFileError:
    """``error``, raised reading ``path``, as a message that says what is wrong and what to do."""
    if isinstance(error, FileNotFoundError):
        return TableFileError(f"{path}: no such file")
    if isinstance(error, OSError):
        return TableFileError(f"cannot read {path}: {error.strerror or error}")
    try:
        size = path.stat().st_size
    except OSError:
        size = None
    is_csv = path.suffix.lower() == ".csv"
    if size == 0 or isinstance(error, pd.errors.EmptyDataError):
        what = ("a CSV table starts with a header line naming its columns, then one line per row" if is_csv
                else "write the table into it again")
        return TableFileError(f"{path} is empty{' (0 bytes)' if size == 0 else ''}: {what}")
    if not is_csv:
        return TableFileError(f"{path} can't be read as Parquet ({error}); if it is a CSV file, "
                              "name it .csv")
    if isinstance(error, UnicodeDecodeError):
        line = _first_line_not_utf8(path)
        return TableFileError(f"{path}{f', line {line}' if line else ''}: not UTF-8 text; save the file "
                              "as UTF-8 (in Excel: 'CSV UTF-8')")
    return TableFileError(_parser_message(path, str(error).strip(), csv))


def _parser_message(path: Path, text: str, csv: Optional[CsvFormat]) -> str:
    fmt = csv or CsvFormat()
    sep, quote = _shown(fmt.sep), _shown(fmt.quotechar)
    too_many, open_quote = _TOO_MANY.search(text), _OPEN_QUOTE.search(text)
    if too_many:
        expected, line, found = too_many.groups()
        what = (f"{path}, line {line}: {found} values where the header line has {expected} "
                f"(values separated by {sep})")
    elif "does not match length of data" in text:  # _no_lost_values: the first data line is longer
        what = (f"{path}, line 2: more values than the header line has names (values separated by "
                f"{sep}); a value would be lost. Give every column a name in the header line")
    elif open_quote:
        line = int(open_quote.group(1)) + 1  # the tokenizer counts lines from 0
        what = (f"{path}, line {line}: a value opened with the quote character {quote} is never closed "
                "(the file ends inside it)")
    else:
        what = f"{path} can't be read as CSV ({text})"
    if csv is None:  # a file active-labeling wrote: no option applies
        return f"{what}. It should be comma-separated, as active-labeling writes it."
    advice = []
    guess = _guess_separator(path, fmt.sep)
    if guess is not None:
        advice.append(f"its header line looks separated by {_shown(guess)}: give --sep {_option(guess)}")
    if open_quote:
        advice.append(f"write a {quote} inside a value as two, or give the file's quote character "
                      "with --quotechar")
    else:
        advice.append(f"a value holding {sep} must be between quote characters ({quote}; "
                      "another one with --quotechar)")
    said = "; ".join(advice)
    return f"{what}. {said[0].upper()}{said[1:]}."


def _shown(char: str) -> str:
    return _NAMES.get(char) or repr(char)


def _option(char: str) -> str:
    return _NAMES.get(char) or ("'" + char + "'" if char != "'" else '"\'"')


def _guess_separator(path: Path, current: str) -> Optional[str]:
    """A likely separator other than ``current``, from the counts in the file's first line."""
    try:
        with open(path, "rb") as stream:
            head = stream.readline(65536).decode("utf-8", errors="replace")
    except OSError:
        return None
    counts = {c: head.count(c) for c in _LIKELY_SEPARATORS if c != current}
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] > head.count(current) else None


def _first_line_not_utf8(path: Path) -> Optional[int]:
    try:
        with open(path, "rb") as stream:
            for number, raw in enumerate(stream, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return number
    except OSError:
        pass
    return None
