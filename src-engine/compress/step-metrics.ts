/**
 * One training step of a compression (fine-tuning, or training the student): the batch's loss
 * (the distillation loss for a distilled student) and accuracy; `alone` for the student trained
 * without the teacher (distillation with compare).
 */
export interface StepMetrics {
  loss: number | null;
  accuracy: number | null;
  alone?: boolean;
}
