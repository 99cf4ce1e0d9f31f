// The lesson registry: every lesson that exists, in course order. The page lists exactly these
// (web/app.mjs), the CLI runs them (scripts/cli.mjs). To add a lesson, write lessons/<id>/lesson.mjs
// (the contract is in lessons/README.md) and add one import and one entry here.
import * as neuron from './neuron/lesson.mjs';
import * as gradientDescent from './gradient-descent/lesson.mjs';
import * as backprop from './backprop/lesson.mjs';
import * as activations from './activations/lesson.mjs';
import * as softmax from './softmax/lesson.mjs';
import * as logLoss from './log-loss/lesson.mjs';
import * as functionalApi from './functional-api/lesson.mjs';
import * as optimizers from './optimizers/lesson.mjs';
import * as batchNorm from './batch-norm/lesson.mjs';
import * as earlyStopping from './early-stopping/lesson.mjs';
import * as convSize from './conv-size/lesson.mjs';
import * as cnn from './cnn/lesson.mjs';
import * as transfer from './transfer/lesson.mjs';
import * as siamese from './siamese/lesson.mjs';
import * as iouNms from './iou-nms/lesson.mjs';
import * as playground from './playground/lesson.mjs';
import * as tuning from './tuning/lesson.mjs';
import * as regularization from './regularization/lesson.mjs';
import * as dropout from './dropout/lesson.mjs';
import * as anchorsYolo from './anchors-yolo/lesson.mjs';
import * as segmentation from './segmentation/lesson.mjs';
import * as gan from './gan/lesson.mjs';

export const LESSONS = [neuron, gradientDescent, backprop, activations, softmax, logLoss, functionalApi, playground, regularization, dropout, optimizers, batchNorm, earlyStopping, tuning, convSize, cnn, transfer, siamese, iouNms, anchorsYolo, segmentation, gan];

/** The lesson with this id, or undefined. */
export function lessonById(id) {
  return LESSONS.find((l) => l.id === id);
}
