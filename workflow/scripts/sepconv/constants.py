"""The paper's analysis settings, as defaults (every one is configurable in config.yaml)."""

#: Sample rate of the mel analysis, Hz (the paper: 22,050 Hz).
ANALYSIS_RATE = 22_050
#: Sample rate at which segments are cut and separated, Hz (Spleeter's native rate).
SEPARATION_RATE = 44_100
#: Mel frames per segment (the paper's tensors are 128 x 458).
N_FRAMES = 458
N_MELS = 128
N_FFT = 2048
HOP_LENGTH = 512


def segment_samples(
    sr: int,
    n_frames: int = N_FRAMES,
    hop_length: int = HOP_LENGTH,
    analysis_rate: int = ANALYSIS_RATE,
) -> int:
    """Number of samples at ``sr`` Hz of a segment that gives ``n_frames`` mel frames.

    With centred frames, ``n`` samples give ``1 + n // hop_length`` frames, so the segment is
    ``(n_frames - 1) * hop_length`` samples at the analysis rate (233,984 samples, 10.61 s,
    for the paper's 458 frames at hop 512 and 22,050 Hz), and the same duration at ``sr``.
    """
    n_analysis = (n_frames - 1) * hop_length
    return int(round(n_analysis * sr / analysis_rate))
