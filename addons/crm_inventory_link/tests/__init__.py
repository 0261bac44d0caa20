from . import test_gap_engine, test_install
