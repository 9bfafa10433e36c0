import pytest

from tests.conftest import messages_in_english

in_english = pytest.fixture(autouse=True, name="in_english")(messages_in_english)
