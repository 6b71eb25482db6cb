package main

// The generated corpus: n startup profiles (gen) made of Shaoxing-like
// names, a sector's product words and English terms, filler sentences and
// random stages and districts, the same for a given n on every run.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/yuechuang/yuechuang/search"
)

var sectors = []struct {
	code    string
	words   []string // product words, Chinese
	english []string
}{
	{"ic", []string{"芯片", "集成电路", "功率半导体", "传感器", "封装测试"}, []string{"semiconductor", "chip", "wafer"}},
	{"ai", []string{"大模型", "人工智能", "机器视觉", "智能客服", "知识图谱"}, []string{"intelligence", "vision", "learning"}},
	{"biomedicine", []string{"创新药", "疫苗", "细胞治疗", "基因检测", "中药"}, []string{"biotech", "vaccine", "therapy"}},
	{"textiles", []string{"面料", "纺织", "印染", "服装", "纤维"}, []string{"textile", "fabric", "fashion"}},
	{"robotics", []string{"机器人", "数控机床", "自动化", "智能制造", "协作臂"}, []string{"robotics", "automation", "machine"}},
	{"new-energy", []string{"光伏", "储能", "氢能", "电池", "充电桩"}, []string{"battery", "solar", "storage"}},
	{"food-huangjiu", []string{"黄酒", "茶饮", "预制菜", "食品", "酿造"}, []string{"beverage", "brewing", "food"}},
	{"enterprise-software", []string{"企业服务", "软件", "数字化", "财税", "供应链"}, []string{"software", "platform", "enterprise"}},
}

var places = []string{"越", "柯", "鉴湖", "兰亭", "会稽", "若耶", "稽山", "曹娥", "浣纱", "东浦", "古越", "镜湖", "舜江", "剡溪"}

var suffixes = []string{"科技", "智能", "生物", "新材料", "信息", "电子", "股份"}

var districts = []string{"yuecheng", "keqiao", "shangyu", "zhuji", "shengzhou", "xinchang", "binhai"}

var stages = []string{"idea", "seed", "angel", "pre-a", "a", "b", "c-plus", "pre-ipo"}

var filler = []string{"团队来自浙江大学", "已服务多家龙头企业", "拥有多项发明专利", "本轮融资用于市场拓展", "产品已进入量产阶段", "与高校共建实验室"}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// profile is a generated document with the words it was made from.
type profile struct {
	doc     search.Document
	sector  int
	words   []string // its Chinese product words
	english []string
}

func gen(n int) []profile {
	r := rand.New(rand.NewPCG(100, 1))
	out := make([]profile, n)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		si := r.IntN(len(sectors))
		sec := sectors[si]
		w1, w2 := pick(r, sec.words), pick(r, sec.words)
		e1, e2 := pick(r, sec.english), pick(r, sec.english)
		name := pick(r, places) + string([]rune(w1)[:1]) + pick(r, suffixes)
		summary := "面向" + pick(r, []string{"制造企业", "医院", "消费者", "外贸企业", "园区"}) + "的" + w1
		body := fmt.Sprintf("%s专注于%s与%s，%s，%s。English summary: %s %s for %s.", name, w1, w2, pick(r, filler), pick(r, filler),
			e1, e2, pick(r, []string{"factories", "hospitals", "retail"}))
		id := fmt.Sprintf("%024x", i)
		pub, _ := json.Marshal(map[string]any{"id": id, "name": name, "oneLiner": summary, "sector": sec.code})
		out[i] = profile{sector: si, words: []string{w1, w2}, english: []string{e1, e2}, doc: search.Document{ID: id, Kind: search.KindStartup,
			Name: name, Summary: summary, Body: body, Tags: []string{w1}, Sectors: []string{sec.code}, Stages: []string{pick(r, stages)},
			Districts: []string{pick(r, districts)}, AskWan: float64(20 + r.IntN(5000)), UpdatedAt: t0.Add(time.Duration(i) * time.Minute), Public: pub}}
	}
	return out
}
