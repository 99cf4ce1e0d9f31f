// The iou-nms lesson's text (markdown subset rendered by web/text.mjs; see lessons/README.md).
export const text = `
How well does a predicted box match an object? **Intersection over union** divides the area the two
boxes share by the area they cover together: 1 for identical boxes, 0 for boxes that do not touch.

$$\\operatorname{IoU}(A, B) = \\frac{|A \\cap B|}{|A \\cup B|}$$

Drag the boxes (or their corners) below; the intersection is shaded strongly, the union lightly. By
the course's convention a detection is "correct" when its IoU with the object is at least 0.5.

## Non-max suppression
A detector proposes many overlapping boxes for the same object, each with a score $p_c$. Greedy
**non-max suppression** keeps one per object:

- drop every box whose score is at or below the score threshold (the course uses $p_c \\le 0.6$);
- take the box with the highest score left and **keep** it;
- **suppress** every remaining box whose IoU with it is $\\ge \\tau$ (the IoU threshold, 0.5 in the course);
- repeat until no box is left.

Whether a tie at exactly $\\tau$ is suppressed is a convention, and the **Convention** switch at
the top picks one: TensorFlow's \`tf.image.nonMaxSuppression\` (Keras) suppresses at IoU
$\\ge \\tau$, torchvision's \`ops.nms\` (PyTorch) only at $> \\tau$. Drag box B to
$[10, 0, 40, 10]$ with A at $[0, 0, 30, 10]$: the IoU is exactly $200 / 400 = 0.5$, and the line under
it shows the two frameworks disagree.

Press **Play** to watch the decisions one by one (every one comes from the core's \`nmsSteps\`), or
step through them. Lower $\\tau$ and more boxes are suppressed (neighbouring objects can vanish);
raise it and duplicates survive.

## Per class
With several classes, NMS is usually run **per class**: a box only suppresses boxes of its own class.
In this scene a person rides a bike; their boxes overlap with an IoU above 0.5, so NMS over all
classes together suppresses one of them, while per-class NMS keeps both. Switch **per-class NMS** on to
compare.

## Your own candidates
**Your own candidates** takes a list of boxes \`x1,y1,x2,y2,score,class\` separated by \`;\` (corners in
the 160 × 100 scene, class any word) and runs the same NMS on them instead of the seeded scene. The
anchors-yolo lesson's link fills it with its trained detector's candidates, so you can step through
the decisions that produced its detections.
`;
