import { describe, expect, it } from 'vitest'
import { keywords, segment, stopwords, tokenize, userWords } from './text.ts'

describe('text pipeline', () => {
  it('keeps governance and local words whole (user dictionary)', () => {
    expect(segment('驻村指导员俞建明走访时网格员反映香榧销售难')).toEqual(expect.arrayContaining(['驻村指导员', '网格员', '香榧']))
    expect(segment('老旧小区加装电梯意见不统一')).toEqual(expect.arrayContaining(['老旧小区', '加装电梯']))
    expect(segment('剡溪边的油焖笋加工厂污水直排')).toEqual(expect.arrayContaining(['剡溪', '油焖笋']))
    expect(segment('村里道路太窄会车困难')).toEqual(expect.arrayContaining(['道路', '太窄', '会车']))
  })

  it('drops punctuation, numbers and stopwords, lower-cases Latin, keeps order and repeats', () => {
    expect(tokenize('我们的路灯坏了，路灯晚上不亮！LED灯')).toEqual(['路灯', '坏', '路灯', '晚上', '不亮', 'led', '灯'])
    expect(tokenize('等了3天，2.5公里')).toEqual(['天', '公里'])
    expect(tokenize('')).toEqual([])
    expect(tokenize('，。！？ 123 ……')).toEqual([])
  })

  it('keywords are distinct words of two or more characters', () => {
    expect(keywords('路灯坏了，路灯不亮，晚上出行不便')).toEqual(['路灯', '不亮', '晚上', '出行', '不便'])
  })

  it('treats full-width forms like half-width ones (NFKC)', () => {
    expect(tokenize('ＷｉＦｉ信号差')).toEqual(tokenize('WiFi信号差'))
  })

  it('its data files are well formed: no stopword is also a dictionary word', () => {
    const s = stopwords()
    expect(s.size).toBeGreaterThan(100)
    const words = userWords()
    expect(words.length).toBeGreaterThan(100)
    expect(words.filter((w) => s.has(w))).toEqual([])
  })
})
