#!/usr/bin/env python3
"""The lean Python loop a user writes: the reference of `tracklight bench replay --python PYTHON`.

OpenCV decode -> onnxruntime (default session options) -> YOLOX decode -> NMS -> greedy IoU
tracker -> draw -> OpenCV MPEG-4 writer, one frame at a time in one process. Needs numpy,
opencv-python and onnxruntime. Usage: python_loop.py MODEL.onnx VIDEO OUT.mp4 [--threads N]
Prints one JSON line: frames, seconds (loop only), detections.
"""
import argparse, json, sys, time

import cv2
import numpy as np
import onnxruntime as ort

SIZE = 416
CONF, IOU = 0.25, 0.45


def letterbox(img):
    h, w = img.shape[:2]
    r = min(SIZE / h, SIZE / w)
    out = np.full((SIZE, SIZE, 3), 114, np.uint8)
    rs = cv2.resize(img, (int(w * r), int(h * r)), interpolation=cv2.INTER_LINEAR)
    out[: rs.shape[0], : rs.shape[1]] = rs
    return np.ascontiguousarray(out.transpose(2, 0, 1)[None], dtype=np.float32), r


def grids():
    gs, ss = [], []
    for s in (8, 16, 32):
        n = SIZE // s
        yv, xv = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        gs.append(np.stack((xv, yv), 2).reshape(-1, 2))
        ss.append(np.full((n * n, 1), s))
    return np.concatenate(gs), np.concatenate(ss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model"); ap.add_argument("video"); ap.add_argument("out")
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    opts = ort.SessionOptions()
    if a.threads:
        opts.intra_op_num_threads = a.threads
    sess = ort.InferenceSession(a.model, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    grid, stride = grids()
    cap = cv2.VideoCapture(a.video)
    fps = cap.get(cv2.CAP_PROP_FPS) or 25
    writer = None
    tracks, next_id, frames, dets_total = [], 1, 0, 0
    t0 = time.perf_counter()
    while True:
        ok, img = cap.read()
        if not ok:
            break
        x, r = letterbox(img)
        p = sess.run(None, {name: x})[0][0]
        xy = (p[:, :2] + grid) * stride
        wh = np.exp(p[:, 2:4]) * stride
        scores = p[:, 4:5] * p[:, 5:]
        cls = scores.argmax(1)
        conf = scores[np.arange(len(cls)), cls]
        keep = conf > CONF
        boxes = np.concatenate((xy - wh / 2, wh), 1)[keep] / r
        conf, cls = conf[keep], cls[keep]
        idx = cv2.dnn.NMSBoxesBatched(boxes.tolist(), conf.tolist(), cls.tolist(), CONF, IOU) if len(conf) else []
        dets = [(boxes[i], int(cls[i])) for i in np.array(idx).reshape(-1)]
        dets_total += len(dets)
        # Greedy IoU tracker: each detection takes the best overlapping track of the last frame.
        new = []
        for b, c in dets:
            x1, y1, x2, y2 = b[0], b[1], b[0] + b[2], b[1] + b[3]
            best, best_iou = None, 0.3
            for t in tracks:
                tx1, ty1, tx2, ty2 = t[1]
                iw, ih = max(0, min(x2, tx2) - max(x1, tx1)), max(0, min(y2, ty2) - max(y1, ty1))
                u = (x2 - x1) * (y2 - y1) + (tx2 - tx1) * (ty2 - ty1) - iw * ih
                iou = iw * ih / u if u > 0 else 0
                if iou > best_iou:
                    best, best_iou = t, iou
            if best is not None:
                tracks.remove(best)
                tid = best[0]
            else:
                tid, next_id = next_id, next_id + 1
            new.append((tid, (x1, y1, x2, y2), c))
        tracks = new
        for tid, (x1, y1, x2, y2), c in tracks:
            cv2.rectangle(img, (int(x1), int(y1)), (int(x2), int(y2)), (0, 255, 0), 2)
            cv2.putText(img, "%d:%d" % (tid, c), (int(x1), int(y1) - 4), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 255, 0), 1)
        if writer is None:
            writer = cv2.VideoWriter(a.out, cv2.VideoWriter_fourcc(*"mp4v"), fps, (img.shape[1], img.shape[0]))
        writer.write(img)
        frames += 1
    if writer is not None:
        writer.release()
    print(json.dumps({"frames": frames, "seconds": round(time.perf_counter() - t0, 3), "detections": dets_total}))


if __name__ == "__main__":
    sys.exit(main())
