"""Insights on a plan: what-if scenarios, ramp risk, speed, levers and diagnostics."""
