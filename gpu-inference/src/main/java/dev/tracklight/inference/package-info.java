/**
 * Object detection for Tracklight, engine-agnostic at the surface.
 *
 * <p>Entry points: {@link dev.tracklight.inference.YoloDetector#open} with
 * {@link dev.tracklight.inference.DetectorOptions} and a
 * {@link dev.tracklight.inference.model.ModelRegistry} gives a
 * {@link dev.tracklight.inference.Detector} ({@code detect(List<BgrImage>)} →
 * {@code List<Detections>} in source pixels). Stages live in sub-packages so they can be tested and
 * benchmarked alone: {@code preprocess} (pure-Java letterbox), {@code engine} (DJL raw forward,
 * devices), {@code postprocess} (family decoders, class-aware NMS), {@code model} (registry,
 * download, layout detection).
 */
package dev.tracklight.inference;
