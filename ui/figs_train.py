"""Figures for the Train page: a clickable confusion matrix, digits with what the model said,
and the runs compared."""

import numpy as np
import plotly.graph_objects as go

from . import charts


def clickable_confusion(C):
    """charts.confusion_heatmap with an invisible marker on every cell.

    Streamlit reports clicks on scatter points but not on heatmap cells, so each cell gets a
    transparent square marker; point_index = 10 * true + predicted.
    """
    fig = charts.confusion_heatmap(C, title=None)
    fig.update_traces(hoverinfo="skip", hovertemplate=None, selector=dict(type="heatmap"))
    true, pred = np.divmod(np.arange(C.size), C.shape[1])
    fig.add_trace(go.Scatter(
        x=[str(p) for p in pred], y=[str(t) for t in true], mode="markers", showlegend=False,
        customdata=C.ravel(), name="",
        marker=dict(symbol="square-open", size=34, color="#d62728", line=dict(width=3), opacity=0),
        selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=0)),
        hovertemplate="true %{y}, predicted %{x}: %{customdata} digit(s) · click to see them",
    ))
    # The markers would stretch the axes and turn them numeric: pin them to the ten digits.
    fig.update_xaxes(range=[-0.5, 9.5], dtick=1)
    fig.update_yaxes(range=[9.5, -0.5], autorange=False, dtick=1)
    fig.update_layout(clickmode="event+select", dragmode=False, margin=dict(t=10))
    return fig


def clicked_cell(event):
    """(true, predicted) of the clicked cell from st.plotly_chart's selection event, or None."""
    points = (event or {}).get("selection", {}).get("points", [])
    for point in points:
        if "x" in point and "y" in point:
            return int(point["y"]), int(point["x"])
    return None


def digits_with_answers(X, image_shape, y_true, y_pred, proba, indices, cols=8):
    """Digits titled "true 4 → said 9 (0.83)", the number being a3 of the unit it chose."""
    titles = [f"true {y_true[i]} → said {y_pred[i]}<br>({proba[i, y_pred[i]]:.2f})" for i in indices]
    return digit_mosaic(X[indices], image_shape, titles, cols)


def digit_mosaic(images, image_shape, titles, cols=8):
    """Digits in one tiled heatmap with a two-line title over each (charts.image_grid)."""
    return charts.image_grid(images, image_shape, titles=titles, cols=min(cols, len(images)),
                             title_lines=2, px_per_row=150)

def runs_chart(rows, labels=None, order=None, x_title="run"):
    """Train and validation accuracy of every run side by side; a large gap means overfitting.

    labels: the x axis's name of each row (the run numbers by default), shown in `order`. The
    y axis runs from 0 to 100 %, so a gap of one point looks like one point.
    """
    labels = labels or [f"#{r['run']}" for r in rows]
    order = order if order is not None else range(len(rows))
    rows, labels = [rows[i] for i in order], [labels[i] for i in order]
    fig = go.Figure()
    for part, colour in (("train", "#9ecae1"), ("validation", "#1f77b4")):
        fig.add_trace(go.Bar(
            x=labels, y=[r[part] for r in rows], name=part, marker_color=colour,
            customdata=[[r["run"], r["settings"]] for r in rows],
            hovertemplate="run #%{customdata[0]}: %{y:.1f}%<br>%{customdata[1]}<extra>" + part + "</extra>",
        ))
    fig.update_layout(barmode="group", height=300, margin=dict(l=50, r=10, t=40, b=40),
                      title="Accuracy per run", xaxis=dict(title=x_title, type="category"),
                      yaxis_title="accuracy (%)",
                      yaxis_range=[0, 100.5], legend=dict(orientation="h", y=1.12))
    return fig


def live_cost_figure(columns, maxiter):
    """A light version of charts.cost_curve for redrawing while training (about 4x faster to build:
    no make_subplots); the x axis runs a quarter past the iterations so far, up to maxiter."""
    x_end = min(maxiter, max(10, 1.25 * len(columns["iteration"])))  # room to grow, not to maxiter
    x = columns["iteration"]
    return go.Figure(
        data=[dict(type="scatter", x=x, y=columns["cost"], name="cost J", mode="lines"),
              dict(type="scatter", x=x, y=columns["grad_norm"], name="|gradient|", mode="lines",
                   line=dict(dash="dot"), yaxis="y2")],
        layout=dict(title=dict(text="Cost J so far"), height=320,
                    margin=dict(l=50, r=50, t=40, b=40), legend=dict(orientation="h", y=-0.25),
                    xaxis=dict(title=dict(text="iteration"), range=[0, x_end + 1]),
                    yaxis=dict(title=dict(text="cost J")),
                    yaxis2=dict(title=dict(text="gradient norm"), type="log", overlaying="y",
                                side="right", showgrid=False, tickformat=".1g")),
    )
