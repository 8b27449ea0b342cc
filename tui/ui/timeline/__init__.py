"""The timeline's pictures: thumbnails along video segments, waveforms along audio, words in
their span, a ruler and a playhead (issue 18). ``cells`` turns pictures and peaks into
terminal cells, ``pictures`` is where they come from (a ``PictureSource``) and their cache,
``graphics`` the picture mode (half-blocks, Kitty, Sixel, shades), ``canvas`` the widget."""
