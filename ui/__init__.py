"""Streamlit plumbing shared by the pages: caches, the user's runs, charts.

nn_core does the maths; this package holds what only makes sense inside a
Streamlit session (st.cache_data, st.cache_resource, st.session_state) and
the plotly figures the pages draw.
"""

# Import pandas now, fully, before any page draws. plotly looks pandas up in sys.modules
# without importing it; on a fresh server, while one session's st.dataframe is still importing
# pandas, another session's plotly chart found the half-imported module and crashed
# ("partially initialized module 'pandas' has no attribute 'Series").
import pandas  # noqa: E402, F401
