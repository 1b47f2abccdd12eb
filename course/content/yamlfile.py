"""YAML and front matter that remember line numbers, so every content error can name file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ContentError(Exception):
    """One problem in one content file."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


class Mapping(dict[str, Any]):
    """A YAML mapping with the line of the mapping and of each key (1-based)."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    line_offset = 0


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1 + loader.line_offset
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise ContentError(
                "", key_node.start_mark.line + 1 + loader.line_offset, f"the key '{key}' appears twice"
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1 + loader.line_offset
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path, text: str, line_offset: int = 0) -> Any:
    loader = _LineLoader(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except ContentError as error:
        raise ContentError(path, error.line, error.message) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise ContentError(path, line, f"this is not valid YAML: {error.problem or error}") from None
    finally:
        loader.dispose()


@dataclass(frozen=True)
class FrontMatterFile:
    meta: Mapping
    body: str
    body_line: int  # the file line on which the body starts


def read_front_matter(path: Path) -> FrontMatterFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError(path, 1, "the file is not UTF-8 text; save it as UTF-8") from None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "the file must start with front matter: a line '---', YAML, '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ContentError(path, 1, "the front matter has no closing '---' line") from None
    meta = load_yaml(path, "".join(lines[1:end]), line_offset=1)
    if not isinstance(meta, Mapping):
        raise ContentError(path, 2, "the front matter must be a set of 'key: value' lines")
    return FrontMatterFile(meta=meta, body="".join(lines[end + 1 :]), body_line=end + 2)
