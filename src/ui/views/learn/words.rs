//! The Learn view's sentences about each task: what it asks and what the literature expects.
//! The facts they state about the computation are tested (`docs/claims.md`, "## Learn").

use crate::core::learn::tasks::Task;
use crate::ui::i18n::{tr, Tr};

/// What the task asks of a model.
pub fn task_description(task: Task) -> Tr {
    match task {
        Task::DelayedCopy => tr("Output, at every position, the token seen k steps earlier (8 symbols, length 24). The model must keep the last k tokens in memory.",
            "En cada posición, hay que dar el token visto k pasos antes (8 símbolos, longitud 24). El modelo debe guardar en memoria los últimos k tokens."),
        Task::SelectiveCopy => tr("Four tokens are scattered among noise tokens (·); after the marker (▶) the model must reproduce them in order (Gu & Dao 2023). Which tokens to keep depends on the content, not on the position.",
            "Cuatro tokens están repartidos entre tokens de relleno (·); tras la marca (▶) el modelo debe reproducirlos en orden (Gu y Dao 2023). Qué tokens hay que guardar depende del contenido, no de la posición."),
        Task::AssociativeRecall => tr("Pairs key–value (“c 5 a 2 …”), then one key again: answer its value. The model must store every pair and look one up by content.",
            "Pares clave–valor («c 5 a 2 …») y luego otra vez una de las claves: hay que responder su valor. El modelo debe guardar cada par y buscar uno por su contenido."),
    }
}

/// What the literature (and the models' structure) lead one to expect on the task.
pub fn expectation(task: Task) -> Tr {
    match task {
        // Claims: every family learns k = 1 (core learn::tests::every_family_learns_delayed_copy_k1);
        // the CNN's 15-token field covers distances 0–14 (tests::cnn_receptive_field_is_15).
        Task::DelayedCopy => tr("Expected: every family learns a gap of 1. As k grows, the CNN fails from k = 15 on: its receptive field of 15 tokens covers distances 0 to 14 only. Fixed-state models must squeeze k tokens into their state; attention can look back exactly k positions. Try k = 1, then k = 12.",
            "Lo esperado: todas las familias aprenden una separación de 1. Al crecer k, la CNN falla a partir de k = 15: su campo receptivo de 15 tokens solo abarca distancias de 0 a 14. Los modelos de estado fijo deben meter k tokens en su estado; la atención puede mirar exactamente k posiciones atrás. Prueba k = 1 y luego k = 12."),
        Task::SelectiveCopy => tr("Expected (Gu & Dao 2023, Table 1): models whose mixing does not depend on the input — the CNN, S4D and the linear RNN, all time-invariant — struggle, because where the marked tokens sit varies; Mamba's input-dependent Δ can choose to keep them, and attention can look them up. Check whether these small runs show it.",
            "Lo esperado (Gu y Dao 2023, tabla 1): los modelos cuya mezcla no depende de la entrada — la CNN, S4D y la RNN lineal, todos invariantes en el tiempo — tienen dificultades, porque la posición de los tokens marcados cambia; el Δ de Mamba, que depende de la entrada, puede elegir guardarlos, y la atención puede buscarlos. Comprueba si estas pequeñas ejecuciones lo muestran."),
        Task::AssociativeRecall => tr("Expected (Jelassi et al. 2024; Arora et al. 2023): attention retrieves by content and solves recall easily at scale; fixed-state recurrences must store every pair and degrade as pairs grow. At this tiny budget every family may need many steps — compare, and try 2 pairs.",
            "Lo esperado (Jelassi et al. 2024; Arora et al. 2023): la atención recupera por contenido y, a gran escala, resuelve la recuperación con facilidad; las recurrencias de estado fijo deben guardar cada par y empeoran a medida que crecen los pares. Con un presupuesto tan pequeño, todas las familias pueden necesitar muchos pasos: compáralas y prueba con 2 pares."),
    }
}

#[cfg(test)]
mod tests {
    use crate::core::learn::influence::influence_row;
    use crate::core::learn::models::{learn_config, Trainable};
    use crate::core::learn::tasks::{batch, example, Task, DATA_SYMBOLS, DELAYED_COPY_LEN};
    use crate::core::models::family::Family;
    use std::collections::HashSet;

    /// "the CNN fails from k = 15: its receptive field of 15 tokens covers distances 0 to 14":
    /// the learn CNN (3 layers, kernel 3, dilations 1, 2, 4) reaches its last output from
    /// distances 0..=14 and not from 15, and 1 + (3 − 1)·(1 + 2 + 4) = 15.
    #[test]
    fn cnn_receptive_field_is_15() {
        let field = 1 + (3 - 1) * (1 + 2 + 4);
        assert_eq!(field, 15);
        let m = Trainable::new(Family::Cnn, Task::DelayedCopy.vocab(), 42).unwrap();
        let e = example(Task::DelayedCopy, 4, 42, 0);
        let x = m.embed(&e.tokens);
        let (config, _) = learn_config(Family::Cnn);
        let last = DELAYED_COPY_LEN - 1;
        let row = influence_row(&config, &m.params().unwrap(), x.view(), last).unwrap();
        let scale = row.iter().copied().fold(0.0f32, f32::max);
        for k in 0..field {
            assert!(row[last - k] > 1e-6 * scale, "distance {k} not reached");
        }
        for k in field..=last {
            assert_eq!(row[last - k], 0.0, "distance {k} reached");
        }
    }

    /// "8 symbols, length 24" (delayed copy); chance is 1/8 and ln 8: every task's answers
    /// take one of 8 values; the model sees "a fresh batch of 32 examples" per step.
    #[test]
    fn task_sizes_as_described() {
        let e = example(Task::DelayedCopy, 4, 42, 0);
        assert_eq!(e.tokens.len(), 24);
        for task in Task::ALL {
            let (_, _, knob) = task.knob_range();
            let mut answers = HashSet::new();
            for i in 0..400 {
                answers.extend(example(task, knob, 42, i).targets.into_iter().flatten());
            }
            assert_eq!(answers.len(), 8, "{task:?}");
        }
        let (a, b) = (
            batch(Task::SelectiveCopy, 16, 42, 0, 32),
            batch(Task::SelectiveCopy, 16, 42, 1, 32),
        );
        assert_eq!(a.batch, 32);
        assert_ne!(a.tokens, b.tokens);
    }

    /// "Four tokens are scattered among noise tokens (·); after the marker (▶) the model must
    /// reproduce them in order."
    #[test]
    fn selective_copying_as_described() {
        for i in 0..50 {
            let e = example(Task::SelectiveCopy, 16, 42, i);
            let body = &e.tokens[..16];
            let marked: Vec<usize> = body.iter().copied().filter(|&t| t < DATA_SYMBOLS).collect();
            assert_eq!(marked.len(), 4);
            assert!(body.iter().all(|&t| t <= DATA_SYMBOLS));
            assert!(e.tokens[16..].iter().all(|&t| t == DATA_SYMBOLS + 1));
            let answers: Vec<usize> = e.targets.iter().flatten().copied().collect();
            assert_eq!(answers, marked);
        }
    }

    /// "each with about 2–6 thousand parameters": every count rounds to 2–6 thousand, in free
    /// training (every task) and in every family of every preset.
    #[test]
    fn parameter_counts_as_described() {
        let in_range = |n: usize, what: String| {
            let thousands = (n as f64 / 1000.0).round();
            assert!((2.0..=6.0).contains(&thousands), "{what}: {n}");
        };
        for family in Family::ALL {
            for task in Task::ALL {
                let n = Trainable::new(family, task.vocab(), 0)
                    .unwrap()
                    .parameter_count();
                in_range(n, format!("{family:?} {task:?}"));
            }
            for preset in crate::core::learn::presets::presets() {
                let run = preset.training(family, 1).unwrap();
                in_range(
                    run.model.parameter_count(),
                    format!("{family:?} {}", preset.id),
                );
            }
        }
    }
}
