"""Files replaced whole: a reader sees the old bytes or the new ones, and a failed write loses nothing."""

import threading

import pytest

from active_labeling.atomic_files import write_atomically, write_text_atomically


def test_a_failed_write_keeps_the_old_file_and_leaves_no_partial_file(tmp_path):
    target = tmp_path / "labels.csv"
    target.write_text("id,label\n1,cat\n", encoding="utf-8")

    def broken(stream):
        stream.write(b"id,label\n")
        raise RuntimeError("disk went away")

    with pytest.raises(RuntimeError):
        write_atomically(target, broken)
    assert target.read_text(encoding="utf-8") == "id,label\n1,cat\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.csv"]


def test_concurrent_writers_of_one_file_never_mix_their_bytes(tmp_path):
    target = tmp_path / "thumb.bin"
    contents = [bytes([k]) * 200_000 for k in range(8)]
    start = threading.Barrier(len(contents))
    errors = []

    def writer(data):
        start.wait()
        try:
            for _ in range(5):
                write_atomically(target, lambda stream: stream.write(data), durable=False)
        except OSError as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(data,)) for data in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert target.read_bytes() in contents
    assert [p.name for p in tmp_path.iterdir()] == ["thumb.bin"]


def test_text_keeps_its_line_ends_and_unicode_and_the_folder_is_made(tmp_path):
    target = tmp_path / "out" / "spans.conll"
    write_text_atomically(target, "Zoë\tB-PER\r\nvit\tO\n")
    assert target.read_bytes() == "Zoë\tB-PER\r\nvit\tO\n".encode()
