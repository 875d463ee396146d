"""The API's JSON parser: a body nested deeper than any request needs is a 400, never a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest body the API takes is a document with lines: 3 levels. The bound leaves room for
# clients that wrap bodies, and keeps every later recursive walk of the data (validation,
# fingerprints, logging) far from Python's recursion limit.
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        if _depth(data) > MAX_DEPTH:
            raise ParseError(_too_deep())
        return data


def _too_deep() -> str:
    return f"JSON parse error - nested deeper than {MAX_DEPTH} levels."


def _depth(data) -> int:
    """How deeply ``data`` nests lists and objects, walked without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        stack.extend((item, depth + 1) for item in value)
    return deepest
