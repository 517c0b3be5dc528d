"""Decide and do: reading the folder, the pure planner, the executor that carries the plan
out, the payload → REST body resolution (terms, media, links), recovery of lost answers,
conflicts, the run report and the ``plan`` preview."""
