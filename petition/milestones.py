"""The moving goal: once a petition reaches its goal, the page sets the next one.

static/js/petition.js repeats next_target() so the live count can move the
goal without a reload; keep the two in step.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def parse_milestones(text: str) -> list[int]:
    return [int(part) for part in text.replace(" ", "").split(",") if part]


def validate_milestones(text: str) -> None:
    try:
        steps = parse_milestones(text)
    except ValueError:
        raise ValidationError(_("Write whole numbers separated by commas, like 15000, 25000.")) from None
    if any(step < 1 for step in steps) or steps != sorted(set(steps)):
        raise ValidationError(_("Each next goal must be larger than the one before it."))


def next_target(count: int, goal: int, milestones: list[int]) -> int:
    """The goal until it is reached, then the first next goal above the count."""
    if count < goal:
        return goal
    for step in milestones:
        if step > count:
            return step
    target = max([goal, *milestones])
    while target <= count:
        target *= 2
    return target
