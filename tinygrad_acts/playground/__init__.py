"""The playground: the TensorFlow Playground rebuilt on tinygrad_acts, served to the browser from Python.

``python -m tinygrad_acts.playground`` starts it. session.py learns (data, network, training, pictures as numbers),
server.py answers the browser, static/ holds the page that draws. ``import tinygrad_acts`` does not load any of it.
"""
