// sharp's process-wide settings for probing, applied once when the probe is
// first imported.

import sharp from 'sharp';

// Each upload is processed once: libvips' operation cache would only hold
// memory (and open files) for nothing.
sharp.cache(false);
// Parallelism comes from the decode queue (ORIGO_DECODE_CONCURRENCY images at
// once), so each image gets one libvips thread: cores x cores threads, each
// with its own buffers, would only add memory. (sharp already defaults to 1 on
// glibc without jemalloc, but to the core count elsewhere.)
sharp.concurrency(1);
