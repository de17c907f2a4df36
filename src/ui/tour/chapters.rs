//! The tour's chapters, in the order of the story: CNN → transformer → RNN → linear RNN →
//! parallel scan → SSM → selection (Mamba) → does it matter (Learn) → what it costs.
//!
//! A chapter is a view plus that view's link parameters (the same `<view>.<param>` pairs a
//! preset uses, `views::presets`), so every chapter is also a link; the element it points at
//! (a CSS selector, by `data-testid`), its narration and a suggestion in both languages. Its
//! "notice this" line is computed live in `tour::notice`.

use crate::ui::i18n::{tr, Tr};

/// One chapter of the tour.
pub struct Chapter {
    /// Short id (`tour-chapter` carries it as `data-chapter`).
    pub id: &'static str,
    /// The view the chapter opens.
    pub view: &'static str,
    /// The view's link parameters (everything else at its default).
    pub params: &'static [(&'static str, &'static str)],
    /// CSS selector of the one control or figure to look at.
    pub highlight: &'static str,
    pub title: Tr,
    /// Two to four sentences.
    pub narration: Tr,
    /// One thing to try by hand.
    pub try_this: Tr,
}

/// Every chapter, in order (`?tour=N` opens `CHAPTERS[N − 1]`).
pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        id: "cnn",
        view: "flow",
        params: &[
            ("flow.model", "cnn"),
            ("flow.cnn.layers", "3"),
            ("flow.cnn.kernel", "3"),
        ],
        highlight: r#"[data-testid="influence-heatmap"]"#,
        title: tr("A CNN sees a window", "Una CNN ve una ventana"),
        narration: tr(
            "A convolution mixes each position with a few neighbours: a kernel of size k = 3 reads the token and the two before it. \
             Stacking layers widens that window by k − 1 positions per layer. In the heat map each row is an output and the \
             bright band is everything it can see — nothing outside the band reaches it, however long the sentence.",
            "Una convolución mezcla cada posición con unas pocas vecinas: un núcleo de tamaño k = 3 lee el token y los dos anteriores. \
             Al apilar capas la ventana se ensancha: cada capa añade k − 1 posiciones. En el mapa de calor cada fila es una salida y la \
             banda clara es todo lo que ve: nada fuera de la banda le llega, por larga que sea la frase.",
        ),
        try_this: tr(
            "Drag “layers” to 6 and watch the band widen; far context needs many layers.",
            "Sube «capas» a 6 y mira cómo se ensancha la banda: el contexto lejano exige muchas capas.",
        ),
    },
    Chapter {
        id: "transformer",
        view: "flow",
        params: &[("flow.model", "transformer")],
        highlight: r#"[data-testid="influence-heatmap"]"#,
        title: tr(
            "A transformer sees everything at once",
            "Un transformer lo ve todo de golpe",
        ),
        narration: tr(
            "Attention compares every position with every earlier one, whatever the distance, so one layer already \
             links the last token to the first: the whole lower triangle of the heat map lights up. \
             The price is one score per pair of tokens — it grows as n², and a sentence twice as long costs four times as much.",
            "La atención compara cada posición con todas las anteriores, sin importar la distancia, así que una sola capa \
             ya une el último token con el primero: se ilumina todo el triángulo inferior del mapa de calor. \
             El precio es una puntuación por cada par de tokens: crece como n², y una frase el doble de larga cuesta cuatro veces más.",
        ),
        try_this: tr(
            "Type a longer sentence: the triangle fills in again, and the number of scores in “Notice” grows with its square.",
            "Escribe una frase más larga: el triángulo vuelve a llenarse y el número de puntuaciones del «Fíjate» crece con su cuadrado.",
        ),
    },
    Chapter {
        id: "rnn-chain",
        view: "flow",
        params: &[("flow.model", "rnn"), ("flow.step", "3")],
        highlight: r#"[data-testid="flow-diagram"]"#,
        title: tr(
            "An RNN passes a state along a chain",
            "Una RNN pasa un estado a lo largo de una cadena",
        ),
        narration: tr(
            "A recurrent network reads one token at a time and hands a state to the next step: h_t = tanh(W h_{t−1} + U x_t). \
             Every output can depend on every earlier input, but only through that chain, so the steps must run one after another. \
             The diagram stops at step 3: only the first tokens have been folded into the state so far.",
            "Una red recurrente lee la entrada token a token y le pasa un estado al paso siguiente: h_t = tanh(W h_{t−1} + U x_t). \
             Cada salida puede depender de todas las entradas anteriores, pero solo a través de esa cadena, así que los pasos \
             van uno detrás de otro. El diagrama está parado en el paso 3: solo los primeros tokens han entrado ya en el estado.",
        ),
        try_this: tr(
            "Use the player’s ▶| button to advance the chain one step at a time, or press play.",
            "Usa el botón ▶| del reproductor para avanzar la cadena paso a paso, o dale a reproducir.",
        ),
    },
    Chapter {
        id: "rnn-fading",
        view: "fading",
        params: &[("fading.shown", "rnn")],
        highlight: r#"[data-testid="fading-chart"]"#,
        title: tr("…and it forgets", "…y olvida"),
        narration: tr(
            "In principle the RNN’s last output depends on the first token; in practice that dependence shrinks at every step, \
             because each pass through W and tanh multiplies it by less than one. The curve is the influence of each earlier \
             token on the last output, on a log scale: a straight fall means geometric forgetting.",
            "En teoría la última salida de la RNN depende del primer token; en la práctica esa dependencia se encoge en cada paso, \
             porque cada paso por W y por tanh la multiplica por algo menor que uno. La curva es la influencia de cada token \
             anterior sobre la última salida, en escala logarítmica: una caída recta es un olvido geométrico.",
        ),
        try_this: tr(
            "Drag the spectral radius ρ past 1 (or pick the preset “exploding RNN”, ρ = 1.5): the far tokens now reach the output far more strongly and the curve falls much more slowly — but tanh saturates, so here it does not blow up. The “Vanishing and exploding” demo below shows the three regimes.",
            "Lleva el radio espectral ρ por encima de 1 (o elige el ajuste «RNN que explota», ρ = 1.5): los tokens lejanos llegan ahora con mucha más fuerza y la curva cae mucho más despacio; pero tanh se satura y aquí la influencia no llega a dispararse. La demostración «Desvanecer y explotar», más abajo, muestra los tres regímenes.",
        ),
    },
    Chapter {
        id: "linear-rnn",
        view: "fading",
        params: &[
            ("fading.shown", "rnn,linear-rnn"),
            ("fading.r", "0.9"),
            ("fading.theta", "0"),
        ],
        highlight: r#"[data-testid="fading-chart"]"#,
        title: tr("A linear RNN", "Una RNN lineal"),
        narration: tr(
            "A linear RNN takes the nonlinearity out of the loop: h_t = λ·h_{t−1} + B x_t, with a fixed λ = r·e^{iθ} per state, \
             and puts a small network on each output instead, where it runs on every position at once rather than step after step. \
             Now the memory is whatever λ says it is: the influence of a token k steps back is exactly r^k — the dashed closed form.",
            "Una RNN lineal saca la no linealidad del bucle: h_t = λ·h_{t−1} + B x_t, con un λ = r·e^{iθ} fijo por estado, \
             y pone a cambio una pequeña red en cada salida, que se aplica a todas las posiciones a la vez y no paso tras paso. \
             Ahora la memoria es la que diga λ: la influencia de un token k pasos atrás es exactamente r^k, la forma cerrada discontinua.",
        ),
        try_this: tr(
            "Move r to 0.99: the memory stretches to about 69 tokens. Give θ a value and the curve starts to oscillate.",
            "Lleva r a 0,99: la memoria se estira hasta unos 69 tokens. Da un valor a θ y la curva empieza a oscilar.",
        ),
    },
    Chapter {
        id: "scan",
        view: "scan",
        params: &[
            ("scan.algorithm", "blelloch"),
            ("scan.n", "16"),
            ("scan.source", "random"),
            ("scan.step", "8"),
        ],
        highlight: "div.scan-svg-box",
        title: tr(
            "Why linear means parallel: the scan",
            "Por qué lineal significa paralelo: el escaneo",
        ),
        narration: tr(
            "Each step h_t = a_t·h_{t−1} + b_t is an affine map, and composing two affine maps gives another one; composition is \
             associative, so the steps can be grouped in a tree instead of a chain — a parallel scan of depth O(log n). \
             A careful note on the famous “n log n”: that is the work of Hillis–Steele; Blelloch’s scan does O(n) work. \
             Both finish in O(log n) levels.",
            "Cada paso h_t = a_t·h_{t−1} + b_t es una función afín, y al componer dos funciones afines sale otra; la composición es \
             asociativa, así que los pasos pueden agruparse en árbol en vez de en cadena: un escaneo paralelo de profundidad O(log n). \
             Un matiz sobre el famoso «n log n»: ese es el trabajo de Hillis–Steele; el escaneo de Blelloch hace un trabajo O(n). \
             Los dos terminan en O(log n) niveles.",
        ),
        try_this: tr(
            "Press reset and build the tree one level at a time with ▶|; then switch the algorithm to Hillis–Steele and compare the counters, and scroll to “Why not a tanh RNN?”: with tanh inside, the same tree gives the wrong answer.",
            "Pulsa reiniciar y construye el árbol nivel a nivel con ▶|; luego cambia el algoritmo a Hillis–Steele y compara los contadores, y baja hasta «¿Por qué no una RNN con tanh?»: con tanh dentro, el mismo árbol da un resultado erróneo.",
        ),
    },
    Chapter {
        id: "ssm",
        view: "ssm",
        params: &[("ssm.delta", "0.8")],
        highlight: r#"[data-testid="panel-discretization"]"#,
        title: tr(
            "Where SSMs come from: discretization and HiPPO",
            "De dónde salen los SSM: discretización y HiPPO",
        ),
        narration: tr(
            "A state-space model starts as a continuous system h′ = A h + B x. To run it on tokens it is discretized with a step Δ: \
             the zero-order hold gives Ā = e^{ΔA}, which stays below 1 for any step, while the naive Euler rule 1 + ΔA can overshoot. \
             HiPPO chooses A so that the state keeps a compressed summary of the whole input history.",
            "Un modelo de espacio de estados parte de un sistema continuo h′ = A h + B x. Para aplicarlo a tokens se discretiza con un paso Δ: \
             el retenedor de orden cero da Ā = e^{ΔA}, que se queda por debajo de 1 con cualquier paso, mientras que la regla de Euler, \
             1 + ΔA, puede pasarse. HiPPO elige A para que el estado guarde un resumen comprimido de toda la historia de la entrada.",
        ),
        try_this: tr(
            "Bring Δ below the Euler limit and watch Euler settle; then scroll to HiPPO and rebuild the input from 4 states, then from 32.",
            "Baja Δ por debajo del límite de Euler y mira cómo se calma; después baja hasta HiPPO y reconstruye la entrada con 4 estados y luego con 32.",
        ),
    },
    Chapter {
        id: "selection",
        view: "fading",
        params: &[
            ("fading.shown", "s4d,mamba"),
            ("fading.marks", "1"),
            ("fading.role", "write"),
            ("fading.demo-delta", "1"),
            ("fading.keep-strength", "3"),
        ],
        highlight: r#"[data-testid="selectivity-chart"]"#,
        title: tr(
            "Selection: Mamba chooses what to keep",
            "Selección: Mamba elige qué guardar",
        ),
        narration: tr(
            "S4D uses the same Δ for every token, so it forgets at the same rate whatever it reads. Mamba computes Δ, B and C from \
             each token: a large Δ writes the token into the state and forgets the past, a tiny Δ leaves the state almost untouched. \
             In this demo the marked token gets a large Δ and every other one a small Δ, so the state holds it to the end.",
            "S4D usa el mismo Δ para todos los tokens, así que olvida al mismo ritmo lea lo que lea. Mamba calcula Δ, B y C a partir \
             de cada token: un Δ grande escribe el token en el estado y olvida lo anterior; un Δ diminuto deja el estado casi intacto. \
             En esta demostración el token marcado recibe un Δ grande y todos los demás uno pequeño, así que el estado lo conserva hasta el final.",
        ),
        try_this: tr(
            "Mark another token, or choose “marked tokens hold the memory”; then open Flow’s preset “Mamba’s hidden attention” to see the same choice as a matrix.",
            "Marca otro token, o elige «los tokens marcados conservan la memoria»; después abre en Flujo el ajuste «la atención oculta de Mamba» para ver la misma elección como matriz.",
        ),
    },
    Chapter {
        id: "learn",
        view: "learn",
        params: &[
            ("learn.task", "selective-copy"),
            ("learn.learn-knob", "16"),
        ],
        highlight: "details.learn-example-box",
        title: tr(
            "Does it matter? Training on memory tasks",
            "¿Importa? Entrenar con tareas de memoria",
        ),
        narration: tr(
            "Everything so far used random weights. Here the six families are trained in your browser on selective copying: \
             a few marked symbols hidden among noise must be repeated at the end, which needs a memory that chooses what to keep. \
             The results show which families learn it at this small size — and where the published story does not (yet) show.",
            "Hasta aquí todo usaba pesos aleatorios. Aquí las seis familias se entrenan en tu navegador con la copia selectiva: \
             unos pocos símbolos marcados, escondidos entre ruido, hay que repetirlos al final, y eso exige una memoria que elija qué guardar. \
             Los resultados muestran qué familias lo aprenden a este tamaño tan pequeño, y dónde lo publicado no se ve (todavía).",
        ),
        try_this: tr(
            "Open “An example of the task” to see one; press “Train” and watch the accuracy curves as the families learn (or fail to); then open the best family in Flow.",
            "Abre «Un ejemplo de la tarea» para ver uno; pulsa «Entrenar» y sigue las curvas de acierto mientras las familias aprenden (o no); después abre en Flujo la familia que mejor lo haga.",
        ),
    },
    Chapter {
        id: "cost",
        view: "cost",
        params: &[("cost.metric", "memory")],
        highlight: r#"[data-testid="cost-theory-table"]"#,
        title: tr("What it costs", "Lo que cuesta"),
        narration: tr(
            "Training sees the whole sequence, and there attention pays n² while a scanned recurrence pays n. \
             Generating text is one token at a time: a transformer must keep the keys and values of every earlier token \
             (its KV cache grows with n), while an RNN, S4D or Mamba carries a fixed-size state, whatever the length.",
            "Al entrenar se ve la secuencia entera, y ahí la atención paga n² mientras que una recurrencia por escaneo paga n. \
             Al generar texto se va token a token: un transformer tiene que guardar las claves y los valores de todos los tokens \
             anteriores (su caché KV crece con n), mientras que una RNN, S4D o Mamba lleva un estado de tamaño fijo, sea cual sea la longitud.",
        ),
        try_this: tr(
            "Switch the metric to multiply-adds, then press “Run measurement” to time the real models in your browser.",
            "Cambia la métrica a multiplicaciones-sumas y pulsa «Medir» para cronometrar los modelos de verdad en tu navegador.",
        ),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;
    use crate::ui::views::{presets::presets_of, VIEWS};

    #[test]
    fn every_chapter_opens_a_view_with_its_own_keys() {
        assert!(CHAPTERS.len() >= 9);
        for chapter in CHAPTERS {
            assert!(VIEWS.iter().any(|v| v.id == chapter.view), "{}", chapter.id);
            for (key, _) in chapter.params {
                assert!(
                    key.starts_with(&format!("{}.", chapter.view)),
                    "{key} in chapter {}",
                    chapter.id
                );
            }
            // Like presets: a chapter is a list of the view's own link keys.
            let _ = presets_of(chapter.view);
        }
    }

    #[test]
    fn narration_is_two_to_four_sentences_in_both_languages() {
        for chapter in CHAPTERS {
            for text in [
                chapter.narration.get(Lang::En),
                chapter.narration.get(Lang::Es),
            ] {
                // A sentence ends with ". " or with the final ".".
                let sentences = text.trim_end().split(". ").count();
                assert!(text.trim_end().ends_with('.'), "{}", chapter.id);
                assert!(
                    (2..=4).contains(&sentences),
                    "{}: {sentences} sentences",
                    chapter.id
                );
            }
        }
    }

    #[test]
    fn the_spanish_uses_the_notes_terms() {
        let es = |id: &str| {
            let c = CHAPTERS.iter().find(|c| c.id == id).unwrap();
            format!("{} {}", c.title.get(Lang::Es), c.narration.get(Lang::Es))
        };
        assert!(es("linear-rnn").contains("RNN lineal"));
        assert!(es("scan").contains("escaneo paralelo"));
        assert!(es("selection").contains("Selección"));
    }
}
