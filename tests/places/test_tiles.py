from places.states import BY_CODE
from places.tiles import COLUMNS, ROWS, TILES


def test_every_state_and_dc_has_one_square_of_its_own_on_the_grid():
    states_and_dc = {code for code, state in BY_CODE.items() if not state.delegate_only} | {"DC"}
    assert set(TILES) == states_and_dc
    assert len(TILES) == 51
    assert len(set(TILES.values())) == 51, "two states share a square"
    assert all(0 <= column < COLUMNS and 0 <= row < ROWS for column, row in TILES.values())
