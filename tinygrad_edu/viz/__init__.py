"""See backprop: the graph with values and gradients, gradient-flow colours, a backward
step-through page, and gradient-flow charts.

    viz.draw_graph(loss)                      a graphviz.Digraph (.source works without `dot`)
    viz.draw_graph(loss, color_by="grad")     tensors shaded by log10 of their gradient norm
    viz.render(graph, "graph.svg")            write SVG/PNG/PDF (needs Graphviz's `dot`; stopped
                                              after 120 s, timeout=…, with a DotTimeout that says why)
    viz.backward_steps(loss)                  the backward pass, one step per op
    viz.save_html(loss, "steps.html")         a self-contained step-through page
    viz.GradientFlowRecorder(model)           per-layer gradient norms over training
    viz.vanishing_gradient_comparison()       10-layer sigmoid vs ReLU gradient norms
    viz.gradient_through_time(loss, hs)       ‖∂loss/∂h_t‖ for each step of a recurrence
    viz.plot_gradient_through_time(curves)    those norms against t, log scale
    viz.memory_comparison().plot()            tanh RNN, LSTM, GRU, attention through time
    viz.TrainingMonitor(model)                watch training; .diagnose() names what is wrong
"""
from .flow import GradientFlowRecorder, plot_gradient_flow
from .graph import draw_graph
from .html_page import save_html
from .memory_task import memory_comparison
from .monitor import Finding, TrainingMonitor
from .render import INSTALL_HINT, BackpropGraph, DotTimeout, GraphvizNotInstalled, pipe, render, to_svg
from .steps import BackwardStep, backward_steps
from .through_time import gradient_through_time, plot_gradient_through_time
from .vanishing import vanishing_gradient_comparison

__all__ = ["draw_graph", "render", "to_svg", "pipe", "BackpropGraph", "GraphvizNotInstalled",
           "INSTALL_HINT", "DotTimeout", "backward_steps", "BackwardStep", "save_html",
           "GradientFlowRecorder", "plot_gradient_flow", "vanishing_gradient_comparison",
           "gradient_through_time", "plot_gradient_through_time", "TrainingMonitor", "Finding",
           "memory_comparison"]
