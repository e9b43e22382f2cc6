# Messages composed by the model code (genlab_core::msg): $a0, $a1, … are its arguments in order.

msg-gan-d_nan = the discriminator went non-finite (NaN or ∞): is the learning rate too high?
msg-gan-g_nan = the generator went non-finite (NaN or ∞): is the learning rate too high?
msg-gan-d_exploded = the discriminator's weights exploded (beyond 1e8): is the learning rate too high?
msg-gan-g_exploded = the generator's weights exploded (beyond 1e8): is the learning rate too high?
msg-vae-nan = the loss became NaN at step { $a0 }: the learning rate { $a1 } is too high for this run
msg-vae-infinite = the loss became infinite at step { $a0 }: the learning rate { $a1 } is too high for this run
msg-rbm-diverged = the weights went non-finite or exploded: is the learning rate too high?
msg-sinkhorn-diverged = Sinkhorn's marginal error is not finite
msg-session-diverged = the run diverged (NaN or ∞): reset it, perhaps with a smaller learning rate
msg-session-no_lesson = no lesson is running yet: send Init first
msg-session-malformed = malformed command: { $a0 }
msg-session-pause_first = pause before stepping
msg-session-step_behind = that step is already behind us: reset first
msg-lesson-not_built = the { $a0 } lesson is not built yet
msg-ot-no_points = there are no points
msg-ot-bad_mass = a mass is negative or not a number
msg-ot-zero_mass = the total mass is zero
msg-ot-bad_cost = the cost matrix is not finite
msg-ot-unmatched = no augmenting path: the masses could not be matched
msg-ot-bad_p = the exponent p must be a number ≥ 1
msg-ot-bad_point = a point has a coordinate that is not a number
msg-ot-bad_eps = ε must be a positive number (ε = 0 is the exact problem: use the exact solver)
msg-ot-bad_sigma = the bandwidth σ must be a positive number
msg-ot-mmd_two_points = the unbiased estimate needs at least two points on each side
msg-ot-sinkhorn_blocked = Sinkhorn cannot run on these clouds: { $a0 }
msg-ot-masses_zeroed = negative or non-numeric masses were set to 0
msg-ot-bad_points = { $a0 } unreadable { $a0 ->
        [one] point
       *[other] points
    } left out
msg-ot-bins_cut = only the first { $a0 } bins are used: { $a1 } more { $a1 ->
        [one] was
       *[other] were
    } left out
msg-ot-masses_capped = masses above { $a0 } were set to { $a0 }
msg-ot-points_clamped = coordinates outside ±{ $a0 } were moved to the edge
msg-rbm-exact_too_big = the exact gradient sums over 2^d states, at most { $a0 } movies: this data has { $a1 }, so the run uses CD-k
msg-ot-bad_covariance = set to { $a0 }: a covariance needs |s_xy| < √(s_xx·s_yy)
msg-rbm-bad_rows = rows { $a0 } do not have one 0/1 per movie: their unreadable ratings were set to 0
msg-rbm-no_users = There are no users in the data: add at least one (or reset to the lecture's data) to train.
msg-rbm-no_movies = There are no movies in the data.
msg-rbm-fill_length = the new user needs { $a0 } ratings (1, 0 or ?), got { $a1 }
msg-rbm-no_unit = there is no hidden unit { $a0 }
msg-rbm-too_many_unknown = too many unknown ratings to sum over exactly
msg-vae-not_loaded = the digits are not loaded
msg-gpu-lost = the GPU device was lost; training went on from step { $a0 } on the CPU
msg-gpu-no_webgpu = this browser offers no WebGPU
msg-gpu-no_adapter = no GPU adapter: { $a0 }
msg-gpu-browser_no_adapter = this browser has WebGPU but gives no GPU adapter (WebGPU may be switched off, or the GPU blocklisted)
msg-gpu-no_device = the GPU adapter gave no device: { $a0 }
msg-rbm_mnist-nan = a weight became NaN at step { $a0 }: the learning rate { $a1 } is too high for this run
msg-gpu-lost_earlier = the GPU device was lost earlier on this page; reload the page to try it again
msg-gpu-batch_limited = this device holds at most { $a0 } images per batch: training with { $a0 } instead of { $a1 }
msg-vae-load_failed = The digits could not be loaded: { $a0 }
msg-vae-no_training = there are no training digits
msg-vae-bad_z = that latent point is not a number
msg-digits-bad_header = this is not a genlab digits file (wrong header)
msg-digits-bad_size = the digits are { $a0 }×{ $a1 }, expected 28×28
msg-digits-bad_length = the digits file holds { $a0 } bytes, expected { $a1 } for { $a2 } digits
msg-digits-not_gzip = the digits file is damaged (not a valid gzip stream)
msg-digits-bad_label = a digit is labelled { $a0 }, outside 0–9
msg-digits-checksum = the digits file is damaged (checksum mismatch)
msg-digits-fetch = { $a0 }
msg-fetch-failed = the download failed ({ $a0 })
msg-fetch-no_response = the download gave no response
msg-fetch-status = the server answered { $a0 } for { $a1 }
msg-fetch-empty = the download was empty
msg-fetch-unreadable = cannot read the download
msg-fetch-broken = the download broke off ({ $a0 })
msg-run-too_big = the file is { $a0 } MB; a genlab run is at most { $a1 } MB
msg-run-not_json = this is not a genlab run file (not JSON: { $a0 })
msg-run-not_ours = this is not a genlab run file (it does not say "format": "genlab-run")
msg-run-newer = the file was written by a newer genlab (format version { $a0 }; this one reads up to { $a1 })
msg-run-no_version = the file has no format version
msg-run-damaged = the run file is damaged: { $a0 }
msg-run-seed_edited = the file's seed does not match its settings: it was edited
msg-run-row_length = the file's history row at step { $a0 } has { $a1 } values for { $a2 } metrics
msg-run-order = the file's history is out of order at step { $a0 }
msg-run-state_damaged = the file's trained state is damaged: { $a0 }
msg-run-length = the file's { $a0 } has { $a1 } numbers where these settings need { $a2 }
msg-run-not_finite = the file's { $a0 } holds NaN or ∞ (number { $a1 })
msg-run-optimizer = the file's { $a0 } optimiser is { $a1 }, these settings use { $a2 }
msg-run-other_lesson = this file holds a run of the “{ $a0 }” lesson; open that lesson to import it
msg-run-other_metrics = the file's metrics are not this lesson's: it was made by another version of genlab
msg-run-step = the file says step { $a0 } but its state is at step { $a1 }
msg-run-lanes = the file's lanes are not the ones these settings train ({ $a0 } where { $a1 } runs)
msg-run-chains = the file's persistent chains do not fit these settings
msg-run-order_rbm = the file's batch order does not fit this data
msg-run-order_vae = the file's batch order does not fit these digits
msg-run-scores_ahead = the file's test scores are from a later step than its run
msg-run-sinkhorn = Sinkhorn cannot run on the file's clouds: { $a0 }
