"""Streamlit plumbing shared by the pages: caches, the user's runs, charts.

nn_core does the maths; this package holds what only makes sense inside a
Streamlit session (st.cache_data, st.cache_resource, st.session_state) and
the plotly figures the pages draw.
"""
