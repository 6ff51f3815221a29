import pytest
from django.core.exceptions import ValidationError

from petition.milestones import next_target, parse_milestones, validate_milestones


@pytest.mark.parametrize(
    ("count", "goal", "milestones", "expected"),
    [
        (0, 100, [], 100),
        (99, 100, [150], 100),
        (100, 100, [150, 300], 150),
        (150, 100, [150, 300], 300),
        (300, 100, [150, 300], 600),
        (1300, 100, [150, 300], 2400),
        (100, 100, [], 200),
    ],
)
def test_the_target_is_the_goal_then_each_next_goal_then_doubles(count, goal, milestones, expected):
    assert next_target(count, goal, milestones) == expected


def test_it_reads_comma_separated_goals_with_spaces():
    assert parse_milestones(" 15000, 25000 ,50000") == [15000, 25000, 50000]
    assert parse_milestones("") == []


@pytest.mark.parametrize("text", ["15000, ten", "200, 100", "100, 100", "0", "1.5"])
def test_it_rejects_goals_that_are_not_rising_whole_numbers(text):
    with pytest.raises(ValidationError):
        validate_milestones(text)
