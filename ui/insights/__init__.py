"""The Insights tab of the app: price of speed, levers, doctor, scenarios and ramp risk.

Qt-free at package level: :mod:`ui.insights.tasks` runs in the planner's child process.
"""
