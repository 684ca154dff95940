"""Historical cases and the validation of the dynamics against them.

Modules, in dependency order:

* ``signed``    -- ``SignedNetwork``: a validated undirected signed network;
* ``data``      -- loaders of the shipped data (COW signed networks, pre-1914 Europe);
* ``encode``    -- a signed snapshot as a model configuration (one mapping for all);
* ``engine``    -- runs on the numba core in batches that fit in memory;
* ``forecast``  -- ``forecast_signed``: P(positive tie) after the model's dynamics;
* ``metrics``   -- balanced accuracy, MCC, Brier score of sign forecasts;
* ``rivals``    -- persistence, all-positive and the triad rule;
* ``split``     -- the fixed fit/score split of the COW window pairs;
* ``cow``       -- scoring forecasters on the COW window pairs;
* ``pre_wwi``   -- the pre-1914 rosters and the 1891 -> 1904/1907 forecast;
* ``cases``     -- alliance cases built from cited facts (Sino-Soviet 1950-69,
  China-Russia 2014-25) and their rupture/hold outcomes;
* ``stylized``  -- direction checks from alliance research;
* ``thresholds`` -- the rupture threshold and duration, fixed once from the Sino-Soviet
  hindcast (the schema's ``Outcome`` defaults);
* ``posterior`` -- the posterior sample's file and the per-replication particle draw
  (read by ``sim.compile``; needs no pyabc);
* ``balance_fit`` -- calibration stage 1: the balance rate from the COW fit pairs;
* ``abc``       -- calibration stage 2: ABC-SMC (pyabc) on the alliance cases;
* ``calibration``, ``diagnostics`` -- the whole calibration (``python -m sim.calibrate``)
  and its figures;
* ``scorecard`` -- the validation table (``python -m sim.validate``);
* ``render``, ``docs``, ``cli`` -- YAML and Markdown of the generated files, the generated
  blocks of docs/validation.md, the commands' argument parser.
"""

from sim.history.forecast import forecast_signed

__all__ = ["forecast_signed"]
