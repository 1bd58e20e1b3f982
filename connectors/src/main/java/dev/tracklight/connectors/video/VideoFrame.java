package dev.tracklight.connectors.video;

import dev.tracklight.inference.BgrImage;

/**
 * One decoded video frame.
 *
 * @param index 0-based position of this frame among all decoded frames of the file, whatever
 *     sampling or seeking produced it (so frame 250 is frame 250 with or without every-10th sampling)
 * @param timestampMs presentation timestamp in milliseconds, relative to the first frame (so the
 *     first frame is at 0 even in files whose streams start at an offset, e.g. after an edit list);
 *     for a Kinesis Video archive ({@code KvsArchiveReader}) the producer time, epoch milliseconds
 * @param image the picture; an owned copy (JavaCV reuses one native buffer for every frame, the
 *     reader copies out of it), so it may be kept, modified and handed to other threads
 */
public record VideoFrame(long index, long timestampMs, BgrImage image) {}
